namespace Engine.PortMapping;

/// <summary>
/// The TCP port the public side reaches us on, when a router forwards another one than the listen port; trackers
/// announce <see cref="Of"/>. Shared by the engine's port mapper (which sets it and publishes <see cref="Changed"/> on
/// the event stream) and its torrents' tracker clients (which then announce again at once).
/// </summary>
internal sealed class PublicPort
{
    /// <summary>Some engine's public port changed: tracker clients check theirs.</summary>
    public sealed record Changed;

    private volatile int _mapped;

    /// <summary>The router's external port when it forwards one to us, else <paramref name="listenPort"/>.</summary>
    public int Of(int listenPort) => _mapped is var p and > 0 ? p : listenPort;

    /// <summary>Sets the external port (null: none); true when that changed it.</summary>
    public bool Set(int? externalTcpPort)
    {
        var port = externalTcpPort ?? 0;
        if (_mapped == port) return false;
        _mapped = port;
        return true;
    }
}
