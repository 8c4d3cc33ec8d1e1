using Engine.Buffers;
using Engine.Peers;
using Engine.Primitives;
using Engine.Trackers;

namespace Engine.Hosting;

/// <summary>What every torrent of one engine shares: our peer id, the block pool, HTTP, the listen port and tunables.</summary>
public sealed record EngineContext(
    PeerId OurId,
    BlockPool Pool,
    HttpClient Http,
    int ListenPort,
    PeerSettings PeerSettings,
    PeerManagerSettings PeerManagerSettings,
    TrackerSettings TrackerSettings,
    TimeSpan ResumeSaveInterval);
