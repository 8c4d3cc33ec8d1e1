namespace Engine.Core.Dht;

/// <summary>Tunables of a DHT node. The defaults follow BEP 5 and what mainline clients do.</summary>
internal sealed record DhtSettings
{
    /// <summary>Nodes per bucket, and how many closest nodes a lookup converges on.</summary>
    public int K { get; init; } = 8;

    /// <summary>Queries a lookup keeps in flight.</summary>
    public int Alpha { get; init; } = 3;

    /// <summary>A query unanswered after this counts as failed.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>A bucket without news for this long is refreshed with a lookup of a random id in it.</summary>
    public TimeSpan BucketRefresh { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>While the routing table is empty, the bootstrap nodes are asked again this often.</summary>
    public TimeSpan BootstrapRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Lookups running at once; more wait their turn.</summary>
    public int MaxLookups { get; init; } = 16;

    /// <summary>Peers returned in one get_peers answer (bounded so an answer is never much larger than the query).</summary>
    public int MaxValues { get; init; } = 50;

    public int MaxPeersPerTorrent { get; init; } = 100;
    public int MaxTorrents { get; init; } = 1000;

    /// <summary>Queries answered per second from one address, and from all together.</summary>
    public double QueriesPerSource { get; init; } = 20;
    public double QueriesTotal { get; init; } = 1000;

    /// <summary>Our client name and version, <c>v</c> in every message (4 bytes by convention: 2 letters, 2 version bytes).</summary>
    public byte[] Version { get; init; } = "AK\0\x01"u8.ToArray();
}
