using System.Net;

namespace Engine.Host.Web;

/// <summary>Where the web UI listens and where added torrents are saved by default.</summary>
/// <param name="Bind">Address of the HTTP listener (127.0.0.1 unless the UI is meant to be reached from elsewhere).</param>
/// <param name="Port">HTTP port; 0 picks a free one (see <see cref="WebServer.Address"/>).</param>
/// <param name="DataDirectory">Default save directory of new torrents; relative save directories are resolved against it.</param>
public sealed record WebOptions(IPAddress Bind, int Port, string DataDirectory)
{
    /// <summary>
    /// The password of the web UI and the REST API (a session cookie after <c>/login</c>, or <c>Authorization: Bearer</c>);
    /// null: open to whoever reaches the address. The commands require one when the UI listens beyond loopback.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>Status poll period of each browser session.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);
}
