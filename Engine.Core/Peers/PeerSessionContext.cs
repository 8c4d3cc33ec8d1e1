using Engine.Core.Extensions;
using Engine.Core.Merkle;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Core.Peers;

/// <summary>What a <see cref="PeerSession"/> knows of its torrent and of us.</summary>
internal sealed record PeerSessionContext(InfoHash InfoHash, PeerId OurId, TorrentLayout Layout, PeerSettings Settings)
{
    /// <summary>The BEP 10 extensions our connections offer (none by default).</summary>
    public ExtensionRegistry Extensions { get; init; } = ExtensionRegistry.Empty;

    /// <summary>Our listen port, named as <c>p</c> in the extension handshake (0: not named).</summary>
    public int ListenPort { get; init; }

    /// <summary>The peer's address, told back to it as <c>yourip</c> in the extension handshake (null: not told).</summary>
    public System.Net.IPAddress? RemoteAddress { get; init; }

    /// <summary>Our DHT node's UDP port: with it the handshake says we speak the DHT and a peer that does too gets a <c>port</c> message (BEP 5). 0: no DHT.</summary>
    public int DhtPort { get; init; }

    /// <summary>A v2-only torrent's pieces and layers, or a hybrid's v2 half, from which hash requests are answered (null: every one is rejected).</summary>
    public MerklePieces? Merkle { get; init; }

    /// <summary>
    /// The truncated v2 info-hash the torrent is also met by (BEP 52): a hybrid's second swarm hash, a v2-only torrent's
    /// <see cref="InfoHash"/>; null for a v1-only torrent. With it our handshakes set <see cref="Handshake.V2Bit"/>.
    /// </summary>
    public InfoHash? V2InfoHash { get; init; }

    /// <summary>Our handshake's reserved bits: BEP 10, BEP 6, BEP 5 with a DHT port, BEP 52 for a torrent with a v2 part.</summary>
    public ulong OurReserved => ReservedBits(DhtPort, V2InfoHash is not null);

    /// <summary>The reserved bits <see cref="OurReserved"/> holds for a torrent with that DHT port and v2 part (a magnet's metadata fetch sends the same).</summary>
    public static ulong ReservedBits(int dhtPort, bool v2) => Handshake.ExtensionBit | Handshake.FastBit | (dhtPort > 0 ? Handshake.DhtBit : 0) | (v2 ? Handshake.V2Bit : 0);

    /// <summary>Whether a handshake's info-hash is this torrent's (its v1 hash, or its truncated v2 hash).</summary>
    public bool IsOurs(InfoHash hash) => hash == InfoHash || hash == V2InfoHash;

    /// <summary>
    /// The info-hash we answer an incoming handshake with: the one the peer used, except that a v2 peer (its
    /// <see cref="Handshake.V2Bit"/> set) on a hybrid's v1 hash is answered with the truncated v2 hash — BEP 52's
    /// upgrade, as libtorrent does.
    /// </summary>
    public InfoHash AnswerTo(Handshake theirs) =>
        theirs.SupportsV2 && V2InfoHash is { } v2 && theirs.InfoHash == InfoHash ? v2 : theirs.InfoHash;

    /// <summary>
    /// Whether the connection speaks BitTorrent v2 (may be sent <c>hash request</c>s): the peer set
    /// <see cref="Handshake.V2Bit"/>, or the handshake carried the truncated v2 hash (a v2 swarm: libtorrent sets the
    /// bit only to ask for an upgrade from a hybrid's v1 hash). Never for a torrent without a v2 part.
    /// </summary>
    public bool SpeaksV2(Handshake theirs) => V2InfoHash is { } v2 && (theirs.SupportsV2 || theirs.InfoHash == v2);

    /// <summary>Our client name and version, <c>v</c> in the extension handshake.</summary>
    public string Client { get; init; } = "Engine/0.1";
}
