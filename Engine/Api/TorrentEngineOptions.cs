using System.Net;
using Engine.Core.Metadata;
using Engine.Core.Peers;
using Engine.Core.Trackers;
using Engine.Core.Encryption;
using Engine.Dht;
using Engine.Transports;
using Engine.Hosting;
using Engine.Limits;
using Engine.Peers;
using Engine.Runtime;

namespace Engine.Api;

/// <summary>
/// Options of a <see cref="TorrentEngine"/>: one listener, one set of rate limits and one disk budget shared
/// by every torrent. Immutable; change with <c>with</c>. Bound from the configuration section
/// <see cref="SectionName"/> by <c>services.AddTorrentEngine(configuration)</c> (see <see cref="TorrentEngineConfiguration"/>).
/// </summary>
public sealed record TorrentEngineOptions
{
    /// <summary>The configuration section the hosting extensions read.</summary>
    public const string SectionName = "TorrentEngine";

    /// <summary>
    /// Where peers connect to us (port 0: a free port). Null: no listener (we only dial out). One address (not a
    /// wildcard): TCP peers are dialled from it too.
    /// </summary>
    public IPEndPoint? ListenOn { get; init; } = new(IPAddress.Any, 6881);

    /// <summary>Directory for the engine's state: one fast-resume file per torrent, named by info-hash.</summary>
    public string StateDirectory { get; init; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "akka-torrent", "state");

    /// <summary>
    /// Remember the torrents — how each was added (its .torrent or magnet link), where it saves, whether it is paused or
    /// stopped, its own limits — in <see cref="SessionDirectory"/>, and add them again when an engine starts with the same
    /// session: an app gets its torrents back after a restart (their resume records spare the hash check).
    /// <see cref="TorrentOptions.Remember"/> leaves one out; <see cref="TorrentHandle.RemoveAsync"/> forgets it.
    /// </summary>
    public bool Session { get; init; }

    /// <summary>Where the session is kept; null: <c>&lt;StateDirectory&gt;/session</c>.</summary>
    public string? SessionDirectory { get; init; }

    /// <summary>Most peer connections per torrent.</summary>
    public int MaxConnectionsPerTorrent { get; init; } = 50;

    /// <summary>Most peer connections of all torrents together; 0 for no limit.</summary>
    public int MaxConnections { get; init; } = 500;

    /// <summary>Engine-wide upload limit in bytes per second (every torrent together); null for none.</summary>
    public long? UploadLimit { get; init; }

    /// <summary>Engine-wide download limit in bytes per second; null for none.</summary>
    public long? DownloadLimit { get; init; }

    /// <summary>
    /// Memory for blocks between the network and the disk, shared by every torrent: the block pool keeps this
    /// much for re-use; all peers of all torrents together may have at most a quarter of it waiting for the disk
    /// (16 MiB of the default 64 MiB), and a single peer at most 4 MiB, before their socket reads pause. At least 1 MiB.
    /// </summary>
    public long DiskBudgetBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Find peers through the mainline DHT (BEP 5): one node per engine, on the listen port's number over UDP, its routing
    /// table kept in <see cref="StateDirectory"/>. Private torrents never use it.
    /// </summary>
    public bool Dht { get; init; } = true;

    /// <summary>"host:port" nodes to join the DHT through when the saved table gives none that answer; null: the well-known routers.</summary>
    public IReadOnlyList<string>? DhtBootstrapNodes { get; init; }

    /// <summary>Exchange peer lists with connected peers (BEP 11, ut_pex). Private torrents never do.</summary>
    public bool Pex { get; init; } = true;

    /// <summary>
    /// Download from the HTTP servers a torrent names as web seeds (BEP 19, <c>url-list</c>) as well as from peers: they
    /// count as peers that have every piece (<see cref="PeerSnapshot.Url"/>, <see cref="Core.Primitives.PeerSource.WebSeed"/>).
    /// </summary>
    public bool WebSeeds { get; init; } = true;

    /// <summary>Find peers on the local network (BEP 14: multicast announces on the interface we listen on). Private torrents never do.</summary>
    public bool Lsd { get; init; } = true;

    /// <summary>
    /// Ask the router to forward the listen port (TCP and UDP) with NAT-PMP and UPnP IGD, renewed while the engine runs
    /// and removed at stop, so peers outside can connect; trackers are told the router's external port. On by default;
    /// never for a listener on loopback. <see cref="TorrentEngine.GetPortMappingAsync"/> tells how it went.
    /// </summary>
    public bool PortMapping { get; init; } = true;

    /// <summary>
    /// Message stream encryption (MSE/PE) on peer connections: <see cref="EncryptionMode.Enabled"/> (the default) accepts
    /// encrypted and plain peers and dials plain; <see cref="EncryptionMode.Preferred"/> dials encrypted first;
    /// <see cref="EncryptionMode.Required"/> speaks RC4-encrypted only; <see cref="EncryptionMode.Disabled"/> plain only.
    /// </summary>
    public EncryptionMode Encryption { get; init; } = EncryptionMode.Enabled;

    /// <summary>
    /// uTP (BEP 29) on the listen port's number beside TCP: <see cref="UtpMode.Enabled"/> (the default) accepts both and
    /// dials TCP, then uTP when TCP fails; <see cref="UtpMode.Preferred"/> dials uTP first; <see cref="UtpMode.Only"/>
    /// dials uTP only; <see cref="UtpMode.Disabled"/> is TCP only.
    /// </summary>
    public UtpMode Utp { get; init; } = UtpMode.Enabled;

    /// <summary>Timers and limits beyond these everyday settings (keep-alives, choking, trackers, magnet links, resume saves).</summary>
    public EngineTunables Tunables { get; init; } = new();

    /// <summary>Checks the values; throws <see cref="InvalidEngineOptionsException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(StateDirectory))
            throw new InvalidEngineOptionsException(nameof(StateDirectory) + " must name a directory");
        if (MaxConnectionsPerTorrent < 1)
            throw new InvalidEngineOptionsException($"{nameof(MaxConnectionsPerTorrent)} must be at least 1, got {MaxConnectionsPerTorrent}");
        if (MaxConnections < 0)
            throw new InvalidEngineOptionsException($"{nameof(MaxConnections)} must be 0 (no limit) or more, got {MaxConnections}");
        if (UploadLimit is <= 0)
            throw new InvalidEngineOptionsException($"{nameof(UploadLimit)} must be positive (or null for none), got {UploadLimit}");
        if (DownloadLimit is <= 0)
            throw new InvalidEngineOptionsException($"{nameof(DownloadLimit)} must be positive (or null for none), got {DownloadLimit}");
        if (DiskBudgetBytes < 1024 * 1024)
            throw new InvalidEngineOptionsException($"{nameof(DiskBudgetBytes)} must be at least 1 MiB, got {DiskBudgetBytes}");
        if (SessionDirectory is { } sd && string.IsNullOrWhiteSpace(sd))
            throw new InvalidEngineOptionsException(nameof(SessionDirectory) + " must name a directory (or be null for <StateDirectory>/session)");
        if (Tunables is null) throw new InvalidEngineOptionsException(nameof(Tunables) + " must be set (new() for the defaults)");
        foreach (var node in DhtBootstrapNodes ?? [])
            if (!DhtNode.TryParseHostPort(node, out _, out _))
                throw new InvalidEngineOptionsException($"{nameof(DhtBootstrapNodes)}: '{node}' is not host:port");
        Tunables.Validate();
    }

    /// <summary>The engine's internal options these map onto.</summary>
    internal EngineOptions ToEngineOptions()
    {
        Validate();
        var blocks = (int)Math.Min(int.MaxValue, DiskBudgetBytes / BlockSize);
        var t = Tunables;
        var peerManager = new PeerManagerSettings
        {
            MaxConnections = MaxConnectionsPerTorrent,
            UploadSlots = t.UploadSlots,
            RechokeInterval = t.RechokeInterval,
            OptimisticInterval = t.OptimisticUnchokeInterval,
            RedialInterval = t.RedialInterval,
            RetryBackoff = t.RedialBackoff,
            MaxConnectionsPerHost = t.MaxConnectionsPerHost,
            IdleTurnover = t.IdlePeerTurnover,
            BanDuration = t.BanDuration,
        };
        return new EngineOptions
        {
            ListenOn = ListenOn,
            ResumeDirectory = Path.GetFullPath(StateDirectory),
            Limits = new RateLimits(UploadLimit ?? 0, DownloadLimit ?? 0),
            MaxConnections = MaxConnections,
            PeerManager = t.RandomSeed is { } seed ? peerManager with { Seed = seed } : peerManager,
            PooledBlocks = blocks,
            Peers = new PeerSettings
            {
                DiskCreditBlocks = Math.Clamp(blocks / 4, 16, 256),
                ConnectTimeout = t.ConnectTimeout,
                HandshakeTimeout = t.HandshakeTimeout,
                KeepAliveInterval = t.KeepAliveInterval,
                SilenceTimeout = t.PeerSilenceTimeout,
                RequestTimeout = t.RequestTimeout,
                MaxQueuedUploadRequests = t.MaxQueuedUploadRequests,
            },
            Trackers = new TrackerSettings
            {
                NumWant = t.TrackerNumWant,
                MinimumInterval = t.TrackerMinimumInterval,
                RetryBase = t.TrackerRetryBase,
                RetryMax = t.TrackerRetryMax,
                RequestTimeout = t.TrackerRequestTimeout,
                UdpRetransmitBase = t.UdpTrackerRetransmitBase,
            },
            Metadata = new MetadataSettings
            {
                ParallelPeers = t.MetadataParallelPeers,
                SessionTimeout = t.MetadataPeerTimeout,
                RetryInterval = t.MetadataRetryInterval,
            },
            ResumeSaveInterval = t.ResumeSaveInterval,
            ExtraHocon = t.AkkaHocon,
            Dht = new DhtOptions { Enabled = Dht, BootstrapNodes = DhtBootstrapNodes ?? DhtOptions.DefaultRouters },
            Pex = Pex,
            WebSeeds = WebSeeds ? new Engine.WebSeeds.WebSeedSettings() : null,
            Lsd = Lsd,
            PortMapping = PortMapping,
            Utp = Utp switch
            {
                UtpMode.Enabled => Engine.Utp.UtpDialOrder.TcpFirst,
                UtpMode.Preferred => Engine.Utp.UtpDialOrder.UtpFirst,
                UtpMode.Only => Engine.Utp.UtpDialOrder.UtpOnly,
                _ => Engine.Utp.UtpDialOrder.Off,
            },
            Encryption = Encryption switch
            {
                EncryptionMode.Disabled => MsePolicy.Off,
                EncryptionMode.Preferred => new MsePolicy(true, true, MseCrypto.Rc4 | MseCrypto.Plaintext, DialFallback: true),
                EncryptionMode.Required => new MsePolicy(true, false, MseCrypto.Rc4, DialFallback: false),
                _ => new MsePolicy(true, true, MseCrypto.None, DialFallback: false),
            },
        };
    }

    private const int BlockSize = 16 * 1024;
}
