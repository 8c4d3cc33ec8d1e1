namespace Engine.PortMapping;

/// <summary>
/// The TCP port the public side reaches us on, when a router forwards another one than the listen port; trackers
/// announce <see cref="Of"/>. Shared by the engine's port mapper (which sets it) and its torrents' tracker clients.
/// </summary>
internal sealed class PublicPort
{
    private volatile int _mapped;

    /// <summary>The router's external port when it forwards one to us, else <paramref name="listenPort"/>.</summary>
    public int Of(int listenPort) => _mapped is var p and > 0 ? p : listenPort;

    public void Set(int? externalTcpPort) => _mapped = externalTcpPort ?? 0;
}
