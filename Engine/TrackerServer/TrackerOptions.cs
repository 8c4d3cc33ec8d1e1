using System.Net;
using Engine.Core.Primitives;

namespace Engine.TrackerServer;

/// <summary>
/// Settings of our tracker. The caps bound memory under a flood: see docs/tracker.md for what happens at each.
/// </summary>
public sealed record TrackerOptions
{
    /// <summary>The <c>interval</c> sent to clients.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The <c>min interval</c> sent to HTTP clients.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A peer that has not announced for <see cref="Interval"/> + this is dropped.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan PeerTimeout => Interval + Grace;

    /// <summary>Peers returned when the client does not say (numwant absent or -1).</summary>
    public int DefaultNumWant { get; init; } = 50;

    /// <summary>Most peers returned to one announce, whatever numwant asks.</summary>
    public int MaxNumWant { get; init; } = 200;

    /// <summary>Most swarms of torrents that were not published. At the cap, the swarm announced to least recently is evicted.</summary>
    public int MaxTorrents { get; init; } = 100_000;

    /// <summary>Most peers in one swarm. At the cap a new peer still gets a peer list but is not stored.</summary>
    public int MaxPeersPerTorrent { get; init; } = 10_000;

    /// <summary>Most peers over all swarms. At the cap, least recently announced unpublished swarms are evicted to make room.</summary>
    public int MaxPeers { get; init; } = 1_000_000;

    /// <summary>Most published .torrent files; more publishes are refused.</summary>
    public int MaxPublished { get; init; } = 10_000;

    /// <summary>Largest .torrent file accepted by publish.</summary>
    public int MaxTorrentFileBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Most bytes of published .torrent files kept in memory; more publishes are refused.</summary>
    public long MaxPublishedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>When set, only these torrents are tracked, scraped and may be published (private use).</summary>
    public IReadOnlySet<InfoHash>? AllowList { get; init; }

    /// <summary>
    /// Who may publish without a token: requests from these networks (default: this machine only, 127.0.0.0/8 and ::1).
    /// Anyone else needs <see cref="PublishToken"/>. An empty list leaves the token as the only way.
    /// </summary>
    public IReadOnlyList<IPNetwork> PublishFrom { get; init; } = [new IPNetwork(IPAddress.Parse("127.0.0.0"), 8), new IPNetwork(IPAddress.IPv6Loopback, 128)];

    /// <summary>
    /// A secret that lets a publish request from anywhere through: sent as <c>Authorization: Bearer &lt;token&gt;</c>. Null:
    /// only <see cref="PublishFrom"/> may publish.
    /// </summary>
    public string? PublishToken { get; init; }

    /// <summary>Most HTTP connections open at once from one IP address (127.0.0.1 and ::1 exempt); more are answered 503.</summary>
    public int MaxConnectionsPerAddress { get; init; } = 32;

    /// <summary>
    /// Most bytes of request bodies (publishes) held at once over all connections; a body's buffer grows only as its
    /// bytes arrive, within this. A publish that finds it spent is answered 503.
    /// </summary>
    public long MaxBodyBytesInFlight { get; init; } = 32L * 1024 * 1024;

    /// <summary>Use the <c>ip</c> a client states instead of the address its request came from (off: it would let anyone aim peers at a third party).</summary>
    public bool TrustClientIp { get; init; }

    /// <summary>Whether this torrent may be tracked, scraped and published here (the allow list, when one is set).</summary>
    internal bool Allows(InfoHash infoHash) => AllowList is null || AllowList.Contains(infoHash);

    /// <summary>Throws when a setting is out of range.</summary>
    public TrackerOptions Validate()
    {
        if (Interval <= TimeSpan.Zero || Interval > TimeSpan.FromDays(1)) throw new ArgumentOutOfRangeException(nameof(Interval), "interval must be within (0, 1 day]");
        if (MinInterval < TimeSpan.Zero || MinInterval > Interval) throw new ArgumentOutOfRangeException(nameof(MinInterval), "min interval must be within [0, interval]");
        if (Grace < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Grace), "grace must not be negative");
        if (DefaultNumWant < 0 || MaxNumWant < DefaultNumWant) throw new ArgumentOutOfRangeException(nameof(MaxNumWant), "need 0 <= default numwant <= max numwant");
        if (MaxTorrents < 1 || MaxPeersPerTorrent < 1 || MaxPeers < 1 || MaxPublished < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxTorrents), "caps must be positive");
        if (MaxConnectionsPerAddress < 1) throw new ArgumentOutOfRangeException(nameof(MaxConnectionsPerAddress), "must be at least 1");
        if (MaxBodyBytesInFlight < MaxTorrentFileBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxBodyBytesInFlight), "must hold at least one .torrent file of the largest size accepted");
        if (PublishToken is { Length: < 16 }) throw new ArgumentOutOfRangeException(nameof(PublishToken), "a publish token needs at least 16 characters");
        return this;
    }
}
