using Akka.Actor;
using Akka.Event;
using Engine.Core.Supervision;
using Engine.Mailboxes;
using Engine.Peers;
using Engine.Supervision;
using Engine.Trackers;

namespace Engine.Torrents;

/// <summary>
/// What happens to each child that fails (docs/decisions.md, "Supervision per child"). Every child that throws is
/// stopped (<see cref="ChildFailures"/> records why) and the torrent, which watches them all, decides on
/// <see cref="Terminated"/>: a dead storage or PieceManager fails the torrent with the real reason; a dead tracker
/// client or PeerManager is logged with its cause and started again after a backoff (<see cref="RestartBackoff"/>),
/// from the torrent's current state — its totals for the tracker, the addresses it was given for the peers.
/// </summary>
internal sealed partial class TorrentActor
{
    private sealed class StartTrackerAgain { public static readonly StartTrackerAgain Instance = new(); }
    private sealed class StartPeerManagerAgain { public static readonly StartPeerManagerAgain Instance = new(); }

    protected override SupervisorStrategy SupervisorStrategy() => _failures.Strategy();

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private void OnChildTerminated(IActorRef child)
    {
        var cause = _failures.Take(child);
        if (child.Equals(_storage))
            Fail("storage: " + (cause?.Message ?? "stopped unexpectedly"), cause, storageAlive: false);
        else if (child.Equals(_pieces))
            Fail("piece manager: " + (cause?.Message ?? "stopped unexpectedly"), cause);
        else if (child.Equals(_tracker))
        {
            _tracker = ActorRefs.Nobody;
            StartAgainLater("tracker client", _trackerBackoff, StartTrackerAgain.Instance, cause);
        }
        else if (child.Equals(_peers))
        {
            PeerManagerGone("peer manager " + ChildFailures.Outcome(cause));
            StartAgainLater("peer manager", _peersBackoff, StartPeerManagerAgain.Instance, cause);
        }
        else LogIfFailed(child, cause);
    }

    private void StartAgainLater(string what, RestartBackoff backoff, object message, Exception? cause)
    {
        var delay = backoff.Failed(Now);
        Context.GetLogger().Warning(cause, "torrent {0}: the {1} {2}; starting a new one in {3:0.#} s",
            _torrent.Name, what, ChildFailures.Outcome(cause), delay.TotalSeconds);
        Timers.StartSingleTimer(message.GetType().Name, message, delay);
    }

    private void CancelRestarts()
    {
        Timers.Cancel(nameof(StartTrackerAgain));
        Timers.Cancel(nameof(StartPeerManagerAgain));
    }

    /// <summary>A child the current behaviour no longer counts on ended (a tracker client or PeerManager stopped earlier).</summary>
    private void Forget(IActorRef child) => LogIfFailed(child, _failures.Take(child));

    private void LogIfFailed(IActorRef child, Exception? cause)
    {
        if (cause is not null)
            Context.GetLogger().Warning(cause, "torrent {0}: {1} failed after it was let go ({2})", _torrent.Name, child.Path.Name, ChildFailures.Describe(cause));
    }

    private void StartPeerManager(bool again)
    {
        var swarm = new SwarmContext(_torrent.InfoHash, _engine.OurId, _torrent.Layout, _pieces, _storage, _engine.Pool, _engine.PeerSettings, _engine.ListenPort)
        {
            Upload = _bandwidth.UploadThrottle(_engine.Bandwidth),
            Download = _bandwidth.DownloadThrottle(_engine.Bandwidth),
            Connections = _engine.Connections,
            DiskBudget = _engine.DiskBudget,
            Dht = _torrent.IsPrivate ? ActorRefs.Nobody : _engine.Dht,
            DhtPort = _torrent.IsPrivate || _engine.Dht.IsNobody() ? 0 : _engine.ListenPort,
            Pex = _engine.Pex && !_torrent.IsPrivate,
            Dialer = Transports.MseDialer.For(_engine.Encryption, _torrent.InfoHash, _engine.BaseDialer),
            HolepunchDialer = _engine.HolepunchDialer is { } punch ? Transports.MseDialer.For(_engine.Encryption, _torrent.InfoHash, punch) : null,
            UtpFirstDialer = _engine.UtpFirstDialer is { } utpFirst ? Transports.MseDialer.For(_engine.Encryption, _torrent.InfoHash, utpFirst) : null,
            EncryptFirstDialer = _engine.Encryption.EncryptFirst is { } encryptFirst
                ? Transports.MseDialer.For(encryptFirst, _torrent.InfoHash, _engine.UtpFirstDialer ?? _engine.BaseDialer) : null,
            V2Dialer = _torrent.HybridV2Hash is { } v2 ? Transports.MseDialer.For(_engine.Encryption, v2, _engine.BaseDialer) : null,
            V2UtpFirstDialer = _torrent.HybridV2Hash is { } v2u && _engine.UtpFirstDialer is { } utpFirstV2 ? Transports.MseDialer.For(_engine.Encryption, v2u, utpFirstV2) : null,
            Metadata = _torrent.RawInfo,
            Merkle = _torrent.HashSource,
            V2InfoHash = _torrent.V2WireHash,
            Blocks = _blocks,
            WebSeeds = WebSeedContext(),
        };
        _peers = Context.ActorOf(PeerManager.Props(swarm, _engine.PeerManagerSettings).WithMailbox(LeanMailbox.Id), ChildName("peers"));
        Context.Watch(_peers);
        _peersBackoff.Started(Now);
        if (IsDone()) _peers.Tell(new PeerManager.SetSeeding(true));
        // Its peer book died with the one before: give it every address the torrent was given.
        if (again && _addresses.Count > 0)
        {
            var all = _addresses.ToList();
            _peers.Tell(new PeerManager.AddPeers(all.Where(a => !_addresses.UnderV2(a)).ToList()));
            if (all.Any(_addresses.UnderV2)) _peers.Tell(new PeerManager.AddPeers(all.Where(_addresses.UnderV2).ToList(), UnderV2: true));
        }
        if (again) WakeRefresh();
    }

    /// <summary>
    /// A complete torrent's PeerManager is started by its first need — an address to dial, a peer calling, data lost —
    /// not with the swarm: an idle seed with nobody to talk to has no use for it (10 000 idle torrents, docs/performance.md).
    /// </summary>
    private void StartPeerManagerOnDemand()
    {
        if (!_peersOnDemand) return;
        _peersOnDemand = false;
        StartPeerManager(again: false);
    }

    /// <summary>A tracker client that starts from the torrent's totals; the peers it learns come to the torrent (<see cref="Active"/>).</summary>
    private void StartTracker()
    {
        var totals = Totals();
        _tracker = Context.ActorOf(TrackerClient.Props(_torrent.InfoHash, _torrent.AnnounceTiers, _engine.OurId, _engine.ListenPort, Self,
            _engine.Http, _engine.TrackerSettings, new TrackerClient.UpdateTotals(totals.Uploaded, totals.Downloaded, totals.Left), _engine.PublicPort,
            AlsoAnnounce: _torrent.HybridV2Hash).WithMailbox(LeanMailbox.Id), ChildName("tracker"));
        Context.Watch(_tracker);
        _trackerBackoff.Started(Now);
        _sentTotals = totals;
    }

    /// <summary>"tracker", or "tracker-2"... while an earlier one is still stopping (a paused client announces <c>stopped</c> first).</summary>
    private static string ChildName(string name)
    {
        var candidate = name;
        for (var n = 2; !Context.Child(candidate).IsNobody(); n++) candidate = name + "-" + n;
        return candidate;
    }
}
