using Akka.Actor;
using Engine.Core.Metainfo;
using Engine.Core.Pieces;
using Engine.Events;
using Engine.Trackers;

namespace Engine.Torrents;

/// <summary>
/// The torrent's control surface for the public API: pause and resume (the swarm — PeerManager and tracker client —
/// is stopped and started again; storage and the PieceManager stay), queries for the piece map, the metainfo and the
/// trackers, and the events told to subscribers.
/// </summary>
internal sealed partial class TorrentActor
{
    // ---- control ------------------------------------------------------------------------------------
    /// <summary>Disconnect every peer and stop announcing, keeping files and progress; replies <see cref="CommandDone"/>.</summary>
    public sealed record Pause;
    /// <summary>Undo <see cref="Pause"/>; replies <see cref="CommandDone"/>.</summary>
    public sealed record Resume;
    public sealed record CommandDone(TorrentState State);
    /// <summary>Replies <see cref="PieceMapReply"/> (a copy of the verified pieces).</summary>
    public sealed record GetPieceMap;
    public sealed record PieceMapReply(Bitfield Verified);
    /// <summary>Replies the torrent's <see cref="TorrentMetainfo"/>.</summary>
    public sealed record GetMetainfo;
    /// <summary>Replies a list of <see cref="TrackerClient.TrackerState"/> (empty while paused or checking).</summary>
    public sealed record GetTrackers;
    public sealed record Unsubscribe(IActorRef Subscriber);
}
