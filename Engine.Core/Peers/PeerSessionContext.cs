using Engine.Core.Extensions;
using Engine.Core.Merkle;
using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>What a <see cref="PeerSession"/> knows of its torrent and of us.</summary>
internal sealed record PeerSessionContext(InfoHash InfoHash, PeerId OurId, TorrentLayout Layout, PeerSettings Settings)
{
    /// <summary>The BEP 10 extensions our connections offer (none by default).</summary>
    public ExtensionRegistry Extensions { get; init; } = ExtensionRegistry.Empty;

    /// <summary>Our listen port, named as <c>p</c> in the extension handshake (0: not named).</summary>
    public int ListenPort { get; init; }

    /// <summary>Our DHT node's UDP port: with it the handshake says we speak the DHT and a peer that does too gets a <c>port</c> message (BEP 5). 0: no DHT.</summary>
    public int DhtPort { get; init; }

    /// <summary>A v2-only torrent's pieces and layers, from which hash requests are answered (null: every one is rejected).</summary>
    public MerklePieces? Merkle { get; init; }

    /// <summary>Our client name and version, <c>v</c> in the extension handshake.</summary>
    public string Client { get; init; } = "Engine/0.1";
}
