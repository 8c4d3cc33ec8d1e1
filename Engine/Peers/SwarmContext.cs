using Akka.Actor;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Extensions;
using Engine.Core.Holepunch;
using Engine.Core.Merkle;
using Engine.Core.Metadata;
using Engine.Core.Peers;
using Engine.Core.Pex;
using Engine.Core.Primitives;
using Engine.Limits;
using Engine.Storage;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>What every peer connection of one torrent shares: identities, geometry and its neighbours.</summary>
internal sealed record SwarmContext(
    InfoHash InfoHash,
    PeerId OurId,
    TorrentLayout Layout,
    IActorRef PieceManager,
    IActorRef Storage,
    BlockPool Pool,
    PeerSettings Settings,
    int ListenPort)
{
    /// <summary>Delays the write loops (the torrent's and the engine's upload buckets).</summary>
    public Throttle Upload { get; init; } = Throttle.None;

    /// <summary>Delays the read loops (the torrent's and the engine's download buckets).</summary>
    public Throttle Download { get; init; } = Throttle.None;

    /// <summary>The engine-wide cap on received blocks waiting for the disk (each peer's credits draw on it); null: none.</summary>
    public DiskBudget? DiskBudget { get; init; }

    /// <summary>The engine-wide connection count, shared by every torrent's PeerManager.</summary>
    public ConnectionBudget Connections { get; init; } = ConnectionBudget.Unlimited();

    /// <summary>Where the write loops read the blocks they upload; null: every request is answered as unavailable.</summary>
    public BlockSource? Blocks { get; init; }

    /// <summary>The engine's DHT node (Nobody when off), told of the DHT ports peers announce.</summary>
    public IActorRef Dht { get; init; } = ActorRefs.Nobody;

    /// <summary>Our DHT node's UDP port, announced to peers that speak the DHT (0: no DHT, or a private torrent).</summary>
    public int DhtPort { get; init; }

    /// <summary>How connections to peers are opened (TCP by default).</summary>
    public IPeerDialer Dialer { get; init; } = TcpDialer.Instance;

    /// <summary>uTP, then TCP: for peers that dropped our TCP connection before the handshake (null: dial them as the rest).</summary>
    public IPeerDialer? UtpFirstDialer { get; init; }

    /// <summary>
    /// Encrypted first (uTP first too, when the engine speaks it): for peers that dropped our plain connection before the
    /// handshake, when <see cref="Dialer"/> dials plain (null: it dials encrypted already, or encryption is off).
    /// </summary>
    public IPeerDialer? EncryptFirstDialer { get; init; }

    /// <summary>A hybrid's <see cref="Dialer"/> for peers dialled with its v2 hash (MSE keyed by that hash); null: <see cref="Dialer"/>.</summary>
    public IPeerDialer? V2Dialer { get; init; }

    /// <summary>A hybrid's <see cref="UtpFirstDialer"/> for peers dialled with its v2 hash; null: <see cref="UtpFirstDialer"/>.</summary>
    public IPeerDialer? V2UtpFirstDialer { get; init; }

    /// <summary>How a hole punch (BEP 55) connects: uTP only, under encryption; null when uTP is off (then no ut_holepunch).</summary>
    public IPeerDialer? HolepunchDialer { get; init; }

    /// <summary>A v2-only torrent's merkle pieces, or a hybrid's v2 half: hash requests (BEP 52) are answered from them; null for v1.</summary>
    public MerklePieces? Merkle { get; init; }

    /// <summary>The truncated v2 info-hash (BEP 52) of a hybrid or v2-only torrent: our handshakes say we speak v2, and a hybrid is met on it too; null for v1.</summary>
    public InfoHash? V2InfoHash { get; init; }

    /// <summary>The torrent's info dictionary, served to peers that ask for it (BEP 9); empty: not served.</summary>
    public ReadOnlyMemory<byte> Metadata { get; init; }

    /// <summary>
    /// The BEP 10 extensions the connections speak, each a pure module of Engine.Core: <c>ut_metadata</c> serving
    /// <see cref="Metadata"/>, and <c>ut_pex</c> when <see cref="Pex"/>, <c>ut_holepunch</c> when also <see cref="HolepunchDialer"/>. A new extension is registered here; the peer session and its actor stay as they are.
    /// </summary>
    public ExtensionRegistry Extensions
    {
        get
        {
            var registry = MetadataServer.Register(ExtensionRegistry.Empty, Metadata);
            if (Pex) registry = registry.With(PexExtension.Name, () => new PexExtension());
            if (Pex && HolepunchDialer is not null) registry = registry.With(HolepunchExtension.Name, () => new HolepunchExtension());
            return registry;
        }
    }

    /// <summary>The torrent's web seeds (BEP 19), run by the PeerManager beside its peers; null: none.</summary>
    public WebSeeds.WebSeedContext? WebSeeds { get; init; }

    /// <summary>Peer exchange (BEP 11, ut_pex) on this torrent's connections (off for private torrents).</summary>
    public bool Pex { get; init; }
}
