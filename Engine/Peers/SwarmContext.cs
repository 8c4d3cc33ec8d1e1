using Akka.Actor;
using Engine.Buffers;
using Engine.Primitives;

namespace Engine.Peers;

/// <summary>What every peer connection of one torrent shares: identities, geometry and its neighbours.</summary>
public sealed record SwarmContext(
    InfoHash InfoHash,
    PeerId OurId,
    TorrentLayout Layout,
    IActorRef PieceManager,
    IActorRef Storage,
    BlockPool Pool,
    PeerSettings Settings,
    int ListenPort);
