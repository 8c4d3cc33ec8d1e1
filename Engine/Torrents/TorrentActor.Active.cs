using Akka.Actor;
using Engine.Core.Primitives;
using Engine.Dht;
using Engine.Events;
using Engine.Lsd;
using Engine.Peers;
using Engine.Storage;
using Engine.Trackers;

namespace Engine.Torrents;

/// <summary>The behaviours of a live torrent: downloading and seeding (the swarm runs), and paused (it does not).</summary>
internal sealed partial class TorrentActor
{
    /// <summary>Shared by checking, downloading, seeding and paused: a storage failure fails the torrent, a stop stops it, children are supervised.</summary>
    private bool Running(object message, TorrentState state)
    {
        switch (message)
        {
            case StorageActor.StorageFailed m:
                Fail("storage: " + m.Reason);
                return true;
            case StopTorrent:
                BeginStop(keepHave: !_pieces.IsNobody(), storageAlive: true);
                return true;
            case Terminated m:
                OnChildTerminated(m.ActorRef);
                return true;
            default:
                return Common(message, state);
        }
    }

    private bool Downloading(object message)
    {
        if (message is not PieceVerified verified) return Active(message, TorrentState.Downloading);
        if (RecordPiece(verified)) BecomeSeeding();
        return true;
    }

    private bool Seeding(object message)
    {
        if (message is not DataLost lost) return Active(message, TorrentState.Seeding);
        ForgetPieces(lost);
        if (IsDone()) return true;
        // Pieces to fetch again: a seed becomes a downloader until it has them back.
        Enter(TorrentState.Downloading, Downloading);
        StartPeerManagerOnDemand();
        _peers.Tell(new PeerManager.SetSeeding(false));
        return true;
    }

    /// <summary>The swarm runs: addresses and incoming connections go to the PeerManager, the tracker client hears our totals.</summary>
    private bool Active(object message, TorrentState state)
    {
        switch (message)
        {
            case PeerManager.AddPeers m:
                OnAddPeers(m);
                return true;
            case DhtNode.PeersFromDht m:
                OnAddPeers(new PeerManager.AddPeers(m.Peers, PeerSource.Dht, IsV2Swarm(m.InfoHash)));
                return true;
            case LocalDiscovery.PeersFromLsd m:
                OnAddPeers(new PeerManager.AddPeers(m.Peers, PeerSource.Lsd, IsV2Swarm(m.InfoHash)));
                return true;
            case PeerManager.IncomingPeer m:
                StartPeerManagerOnDemand();
                if (_peers.IsNobody()) m.Transport.Dispose();
                else _peers.Forward(m);
                return true;
            case PeerManager.HandedOver m:
                StartPeerManagerOnDemand();
                if (_peers.IsNobody()) m.Transport.Dispose();
                else _peers.Forward(m);
                return true;
            case Pieces.PieceManager.BanAddress m:
                _peers.Tell(m); // smart ban's verdict, for the peer book
                return true;
            case Pause:
                StopSwarm("torrent paused", stopTracker: true);
                Enter(TorrentState.Paused, Paused);
                Sender.Tell(new CommandDone(TorrentState.Paused));
                return true;
            case RefreshTick:
                Refresh();
                return true;
            case StartTrackerAgain:
                StartTracker();
                return true;
            case StartPeerManagerAgain:
                StartPeerManager(again: true);
                return true;
            default:
                return Running(message, state);
        }
    }

    /// <summary>No peers, no announces; pieces already on their way to the disk may still be verified. Addresses are stashed for the resume.</summary>
    private bool Paused(object message)
    {
        switch (message)
        {
            case PieceVerified m:
                if (RecordPiece(m)) Publish(new Completed(_torrent.InfoHash, Now));
                return true;
            case Resume:
                StartSwarm();
                var state = IsDone() ? TorrentState.Seeding : TorrentState.Downloading;
                Enter(state, IsDone() ? Seeding : Downloading);
                Stash.UnstashAll();
                Sender.Tell(new CommandDone(state));
                return true;
            case PeerManager.AddPeers:
                Stash.Stash();
                return true;
            case RefreshTick:
                // Nothing moves while paused: the poll sleeps until the resume's StartSwarm wakes it.
                _pacer.Sleep();
                Timers.Cancel("refresh");
                return true;
            default:
                return Running(message, TorrentState.Paused);
        }
    }

    /// <summary>The last piece is in (or all were there at start).</summary>
    private void BecomeSeeding()
    {
        Enter(TorrentState.Seeding, Seeding);
        _peers.Tell(new PeerManager.SetSeeding(true));
        _tracker.Tell(new TrackerClient.Completed());
        Publish(new Completed(_torrent.InfoHash, Now));
    }

    private void OnAddPeers(PeerManager.AddPeers m)
    {
        _addresses.Add(m.Peers, m.UnderV2);
        StartPeerManagerOnDemand();
        if (!_peers.IsNobody()) _peers.Tell(m); // else the PeerManager started again gets them all
        WakeRefresh();
    }

    /// <summary>
    /// Starts the PeerManager and the tracker client, and asks the DHT for peers (after the check, and again on resume).
    /// A complete torrent starts its PeerManager on its first need instead (<see cref="StartPeerManagerOnDemand"/>), and a
    /// torrent that names no tracker has no tracker client.
    /// </summary>
    private void StartSwarm()
    {
        if (IsDone()) _peersOnDemand = true;
        else StartPeerManager(again: false);
        if (_torrent.AnnounceTiers.Count > 0) StartTracker();
        // BEP 27: a private torrent gets its peers from its trackers only.
        if (!_torrent.IsPrivate)
        {
            // A hybrid is looked up and announced under both its hashes (BEP 52): the v1 and the v2 swarm are one.
            foreach (var hash in SwarmHashes())
            {
                _engine.Dht.Tell(new DhtNode.Track(hash, _engine.ListenPort, Self));
                _engine.Lsd.Tell(new LocalDiscovery.Track(hash, _engine.ListenPort, Self));
            }
        }
        WakeRefresh();
    }

    /// <summary>The hashes the torrent's swarm is met by: its info-hash, and a hybrid's truncated v2 hash too.</summary>
    private InfoHash[] SwarmHashes() =>
        _torrent.HybridV2Hash is { } v2 ? [_torrent.InfoHash, v2] : [_torrent.InfoHash];

    /// <summary>True when <paramref name="hash"/> names a hybrid's v2 swarm (not its v1 one): peers learnt there are dialled with it.</summary>
    private bool IsV2Swarm(InfoHash hash) => hash == _torrent.HybridV2Hash;

    /// <summary>Stops the PeerManager (and with it every peer) and, when asked, the tracker client after a <c>stopped</c> announce.</summary>
    private void StopSwarm(string reason, bool stopTracker)
    {
        CancelRestarts();
        foreach (var hash in SwarmHashes())
        {
            _engine.Dht.Tell(new DhtNode.Untrack(hash, Self));
            _engine.Lsd.Tell(new LocalDiscovery.Untrack(hash, Self));
        }
        StopPeers(reason);
        _blocks.CloseHandles(); // a paused or failed torrent keeps no file open for uploads
        if (stopTracker && !_tracker.IsNobody())
        {
            // The stopped announce runs on its own (bounded by TrackerSettings.StopTimeout); the client then stops
            // itself — not before, or its UDP child would go before the stopped datagram is out. No reply wanted.
            _tracker.Tell(new TrackerClient.Stop(), ActorRefs.NoSender);
            _tracker = ActorRefs.Nobody;
        }
    }

    private void StopPeers(string reason)
    {
        _peersOnDemand = false;
        if (_peers.IsNobody())
        {
            DropAllPeers(reason);
            return;
        }
        Context.Stop(_peers);
        PeerManagerGone(reason);
    }

    /// <summary>The PeerManager is stopped or dead: its peers with it. Keeps its totals (the next one counts from zero).</summary>
    private void PeerManagerGone(string reason)
    {
        DropAllPeers(reason);
        _earlierDownloaded += _summary.Downloaded;
        _earlierUploaded += _summary.Uploaded;
        _summary = new PeerManager.Summary(0, 0, 0, 0, 0, 0, 0);
        _peers = ActorRefs.Nobody;
    }

    /// <summary>Peers closed with their PeerManager are not reported by it: tell the subscribers here.</summary>
    private void DropAllPeers(string reason)
    {
        foreach (var remote in _connected.Keys) Publish(new PeerDropped(_torrent.InfoHash, Now, remote, reason));
        _connected.Clear();
    }

    private (long Uploaded, long Downloaded, long Left) Totals()
        => (_summary.Uploaded + _earlierUploaded, _summary.Downloaded + _earlierDownloaded, _torrent.TotalLength - _progress.VerifiedBytes);

    private void Refresh()
    {
        if (_peers.IsNobody())
        {
            // No PeerManager (none needed yet, or one waiting to start again): nothing moves, so the polling sleeps too.
            Pace(_pacer.OnSummary(0, 0, 0));
            return;
        }
        _peers.Tell(new PeerManager.GetSummary());
        var totals = Totals();
        if (totals == _sentTotals) return;
        _sentTotals = totals;
        _tracker.Tell(new TrackerClient.UpdateTotals(totals.Uploaded, totals.Downloaded, totals.Left));
    }

    private void OnSummary(PeerManager.Summary m)
    {
        _summary = m;
        Pace(_pacer.OnSummary(m.Connected + m.Handshaked, m.DownloadRate, m.UploadRate));
    }

    private void Pace(RefreshPacer.Change change)
    {
        switch (change)
        {
            case RefreshPacer.Change.Sleep:
                Timers.Cancel("refresh");
                break;
            case RefreshPacer.Change.Wake:
                Timers.StartPeriodicTimer("refresh", RefreshTick.Instance, RefreshInterval);
                break;
        }
    }

    /// <summary>
    /// Peers or addresses arrived, or the swarm (re)started: poll every second again, starting now. <paramref name="now"/>:
    /// ask for fresh figures even when already polling (a peer came or went: the status counts it at once, not at the next
    /// poll, up to a second later).
    /// </summary>
    private void WakeRefresh(bool now = false)
    {
        if (!_pacer.Wake())
        {
            if (now) Refresh();
            return;
        }
        Timers.StartPeriodicTimer("refresh", RefreshTick.Instance, RefreshInterval);
        Refresh();
    }
}
