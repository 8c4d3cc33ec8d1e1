using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Metadata;
using Engine.Core.Peers;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Limits;
using Engine.Peers;
using Engine.Runtime;

namespace Engine.Torrents;

/// <summary>
/// What every torrent of one engine shares: our peer id, the block pool, HTTP, the listen port and tunables,
/// plus the engine-wide rate-limit buckets and connection budget (each torrent chains its own buckets with these).
/// </summary>
internal sealed record EngineContext(
    PeerId OurId,
    BlockPool Pool,
    HttpClient Http,
    int ListenPort,
    PeerSettings PeerSettings,
    PeerManagerSettings PeerManagerSettings,
    TrackerSettings TrackerSettings,
    TimeSpan ResumeSaveInterval)
{
    /// <summary>Engine-wide upload and download buckets (unlimited unless <see cref="EngineOptions.Limits"/> says otherwise).</summary>
    public BandwidthBuckets Bandwidth { get; init; } = new(RateLimits.Unlimited);

    /// <summary>Engine-wide count of peer connections (<see cref="EngineOptions.MaxConnections"/>).</summary>
    public ConnectionBudget Connections { get; init; } = ConnectionBudget.Unlimited();

    /// <summary>The engine-wide cap on received blocks waiting for the disk (peers' credits draw on it); null: none.</summary>
    public DiskBudget? DiskBudget { get; init; }

    /// <summary>The engine's DHT node (<c>Engine.Dht.DhtNode</c>); Nobody when the DHT is off.</summary>
    public Akka.Actor.IActorRef Dht { get; init; } = Akka.Actor.ActorRefs.Nobody;

    /// <summary>Message stream encryption: what is accepted and how peers are dialled.</summary>
    public Transports.MsePolicy Encryption { get; init; } = Transports.MsePolicy.Off;

    /// <summary>The torrents as encrypted handshakes name them, kept by the engine root for its listener.</summary>
    public Transports.MseTorrents MseTorrents { get; init; } = new();

    /// <summary>The DHT's routing-table size for the engine's meter.</summary>
    public Dht.DhtGauge DhtSize { get; init; } = new();

    /// <summary>The engine's local service discovery (<c>Engine.Lsd.LocalDiscovery</c>); Nobody when off.</summary>
    public Akka.Actor.IActorRef Lsd { get; init; } = Akka.Actor.ActorRefs.Nobody;

    /// <summary>Peer exchange (ut_pex) on public torrents' connections.</summary>
    public bool Pex { get; init; }

    /// <summary>How peers are dialled under encryption: TCP, uTP or one then the other (<see cref="Api.UtpMode"/>).</summary>
    public Transports.IPeerDialer BaseDialer { get; init; } = Transports.TcpDialer.Instance;
    /// <summary>
    /// uTP first, then TCP, for a peer that accepted our TCP connection and closed it without a handshake (libtorrent
    /// with TCP off does): null unless the engine dials TCP first with uTP beside it.
    /// </summary>
    public Transports.IPeerDialer? UtpFirstDialer { get; init; }
    /// <summary>uTP alone, for hole punching (BEP 55); null when uTP is off.</summary>
    public Transports.IPeerDialer? HolepunchDialer { get; init; }
    /// <summary>How web seeds are used; null: they are not.</summary>
    public WebSeeds.WebSeedSettings? WebSeeds { get; init; }
    /// <summary>The TCP port trackers are told: the router's external one when port mapping got another than <see cref="ListenPort"/>.</summary>
    public PortMapping.PublicPort PublicPort { get; init; } = new();

    /// <summary>How magnet links' metadata is fetched.</summary>
    public MetadataSettings Metadata { get; init; } = new();
}
