using System.Net;
using Akka.Actor;
using Engine.Core.Metainfo;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Peers;
using Engine.Pieces;
using Engine.Trackers;

namespace Engine.Torrents;

/// <summary>
/// The torrent's control surface for the public API: pause and resume (the swarm — PeerManager and tracker
/// client — is stopped and started again; storage and the PieceManager stay), queries for the piece map, the
/// metainfo and the trackers, and the events told to subscribers.
/// </summary>
public sealed partial class TorrentActor
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

    // ---- events (to subscribers, besides TorrentCompleted and TorrentFailed) -------------------------
    /// <summary>Told on every state change, and once to a new subscriber with the current state.</summary>
    public sealed record StateChanged(InfoHash InfoHash, TorrentState State);
    public sealed record PieceVerified(InfoHash InfoHash, int Piece);
    public sealed record PeerConnected(InfoHash InfoHash, IPEndPoint Remote, PeerId PeerId);
    public sealed record PeerDropped(InfoHash InfoHash, IPEndPoint Remote, string Reason);

    private readonly Dictionary<IPEndPoint, PeerId> _connected = new();
    private Bitfield _have;
    private bool _paused, _complete;
    private int _generation;
    private long _earlierDownloaded, _earlierUploaded;

    private void ControlReceives()
    {
        Receive<Pause>(_ =>
        {
            if (!_paused && _state is TorrentState.Checking or TorrentState.Downloading or TorrentState.Seeding)
            {
                _paused = true;
                if (_state != TorrentState.Checking)
                {
                    StopSwarm("torrent paused", stopTracker: true);
                    SetState(TorrentState.Paused);
                }
            }
            Sender.Tell(new CommandDone(_state));
        });
        Receive<Resume>(_ =>
        {
            if (_paused && _state is TorrentState.Checking or TorrentState.Paused)
            {
                _paused = false;
                if (_state == TorrentState.Paused)
                {
                    StartSwarm();
                    SetState(_complete ? TorrentState.Seeding : TorrentState.Downloading);
                }
            }
            Sender.Tell(new CommandDone(_state));
        });
        Receive<GetPieceMap>(_ => Sender.Tell(new PieceMapReply(_have.Clone())));
        Receive<GetMetainfo>(_ => Sender.Tell(_torrent));
        Receive<GetTrackers>(_ =>
        {
            if (_tracker.IsNobody()) Sender.Tell(new List<TrackerClient.TrackerState>());
            else _tracker.Forward(new TrackerClient.GetTrackers());
        });
        Receive<Unsubscribe>(m => _subscribers.Remove(m.Subscriber));
        Receive<PieceManager.PieceVerified>(m =>
        {
            _have[m.Piece] = true;
            Publish(new PieceVerified(_torrent.InfoHash, m.Piece));
        });
        Receive<PeerManager.PeerUp>(m =>
        {
            if (!Sender.Equals(_peers) || !_connected.TryAdd(m.Remote, m.PeerId)) return;
            WakeRefresh();
            Publish(new PeerConnected(_torrent.InfoHash, m.Remote, m.PeerId));
        });
        Receive<PeerManager.PeerDown>(m =>
        {
            if (_connected.Remove(m.Remote)) Publish(new PeerDropped(_torrent.InfoHash, m.Remote, m.Reason));
        });
    }

    private void SetState(TorrentState state)
    {
        if (_state == state) return;
        _state = state;
        Publish(new StateChanged(_torrent.InfoHash, state));
    }

    private void Publish(object message)
    {
        foreach (var s in _subscribers) s.Tell(message);
    }

    /// <summary>Stops the PeerManager (and with it every peer) and, when asked, the tracker client after a <c>stopped</c> announce.</summary>
    private void StopSwarm(string reason, bool stopTracker)
    {
        DropAllPeers(reason);
        if (!_peers.IsNobody())
        {
            // The next PeerManager counts from zero: keep this one's totals.
            _earlierDownloaded += _summary.Downloaded;
            _earlierUploaded += _summary.Uploaded;
            _summary = new PeerManager.Summary(0, 0, 0, 0, 0, 0, 0);
            Context.Stop(_peers);
            _peers = ActorRefs.Nobody;
        }
        _blocks.CloseHandles(); // a paused or failed torrent keeps no file open for uploads
        if (stopTracker && !_tracker.IsNobody())
        {
            // The stopped announce runs on its own (bounded by TrackerSettings.StopTimeout); the client then stops
            // itself — not before, or its UDP child would go before the stopped datagram is out. No reply wanted.
            _tracker.Tell(new TrackerClient.Stop(), ActorRefs.NoSender);
            _tracker = ActorRefs.Nobody;
        }
    }

    /// <summary>Peers closed with their PeerManager are not reported by it: tell the subscribers here.</summary>
    private void DropAllPeers(string reason)
    {
        foreach (var remote in _connected.Keys) Publish(new PeerDropped(_torrent.InfoHash, remote, reason));
        _connected.Clear();
    }
}
