using Engine.Core.Dht;

namespace Engine.Dht;

/// <summary>How the engine's DHT node runs (mapped from <c>TorrentEngineOptions.Dht</c> and <c>DhtBootstrapNodes</c>).</summary>
internal sealed record DhtOptions
{
    /// <summary>The well-known routers mainline clients bootstrap from.</summary>
    public static readonly IReadOnlyList<string> DefaultRouters =
        ["router.bittorrent.com:6881", "dht.transmissionbt.com:6881", "router.utorrent.com:6881", "dht.libtorrent.org:25401"];

    public bool Enabled { get; init; } = true;

    /// <summary>"host:port" (or "[v6]:port") nodes to join through when the saved routing table gives none that answer.</summary>
    public IReadOnlyList<string> BootstrapNodes { get; init; } = DefaultRouters;

    public DhtSettings Core { get; init; } = new();

    /// <summary>A tracked torrent's peers are looked up (and we announce) this often.</summary>
    public TimeSpan LookupInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the routing table is saved to the state directory (and at stop).</summary>
    public TimeSpan SaveInterval { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);
}
