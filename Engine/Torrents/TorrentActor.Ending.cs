using Akka.Actor;
using Akka.Event;
using Engine.Events;
using Engine.Pieces;
using Engine.Storage;
using Engine.Trackers;

namespace Engine.Torrents;

/// <summary>The behaviours a torrent ends in: failed (storage or the PieceManager died; it waits to be stopped) and stopping.</summary>
internal sealed partial class TorrentActor
{
    private sealed class StopDeadline { public static readonly StopDeadline Instance = new(); }

    /// <summary>Storage or the PieceManager failed: peers are disconnected, data is kept as it was; the torrent waits to be stopped.</summary>
    private void Fail(string reason, Exception? cause = null, bool storageAlive = true)
    {
        _error = reason;
        Enter(TorrentState.Error, m => Failed(m, storageAlive));
        Context.GetLogger().Error(cause, "torrent {0} failed: {1}{2}", _torrent.Name, reason, cause is null ? "" : $" ({cause.GetType().Name})");
        StopSwarm("torrent failed: " + reason, stopTracker: false);
        Publish(new Failed(_torrent.InfoHash, Now, reason));
    }

    private bool Failed(object message, bool storageAlive)
    {
        switch (message)
        {
            case Subscribe m:
                AddSubscriber(m.Subscriber, TorrentState.Error);
                m.Subscriber.Tell(new Failed(_torrent.InfoHash, Now, _error!));
                return true;
            case StopTorrent:
                BeginStop(keepHave: false, storageAlive);
                return true;
            case Terminated m:
                Forget(m.ActorRef);
                if (m.ActorRef.Equals(_tracker)) _tracker = ActorRefs.Nobody;
                else if (m.ActorRef.Equals(_storage)) _behaviour = next => Failed(next, storageAlive: false);
                return true;
            default:
                return Common(message, TorrentState.Error);
        }
    }

    /// <summary>
    /// Peers go at once; the tracker client announces <c>stopped</c>; storage closes, writing the resume record with the
    /// PieceManager's have-field when <paramref name="keepHave"/> (not after a failure). Bounded by <see cref="StopBudget"/>.
    /// </summary>
    private void BeginStop(bool keepHave, bool storageAlive)
    {
        var waiters = new List<IActorRef> { Sender };
        var trackerRunning = !_tracker.IsNobody();
        Enter(TorrentState.Stopping, m => Stopping(m, waiters, storageAlive, trackerRunning));
        CancelRestarts();
        Timers.StartSingleTimer("stop-deadline", StopDeadline.Instance, StopBudget);
        StopPeers("torrent stopped");
        _blocks.CloseHandles();
        if (trackerRunning) _tracker.Tell(new TrackerClient.Stop());
        if (storageAlive && keepHave) _pieces.Tell(new PieceManager.GetHave());
        else if (storageAlive) _storage.Tell(new StorageActor.Close(null));
        else if (!trackerRunning) FinishStop(waiters); // nothing to wait for
    }

    /// <summary>Waiting for storage to close and the tracker client to stop, or for the deadline.</summary>
    private bool Stopping(object message, List<IActorRef> waiters, bool storageOpen, bool trackerRunning)
    {
        switch (message)
        {
            case StopTorrent:
                waiters.Add(Sender);
                return true;
            case PieceManager.HaveSnapshot m:
                _storage.Tell(new StorageActor.Close(m.Have.ToWire()) { HeldBits = m.Held?.ToWire() });
                return true;
            case StorageActor.Closed:
                StillStopping(waiters, storageOpen: false, trackerRunning);
                return true;
            case TrackerClient.Stopped:
                StillStopping(waiters, storageOpen, trackerRunning: false);
                return true;
            case Terminated m:
                Forget(m.ActorRef);
                if (m.ActorRef.Equals(_storage)) StillStopping(waiters, storageOpen: false, trackerRunning);
                else if (m.ActorRef.Equals(_tracker))
                {
                    _tracker = ActorRefs.Nobody;
                    StillStopping(waiters, storageOpen, trackerRunning: false);
                }
                return true;
            case StopDeadline:
                FinishStop(waiters);
                return true;
            default:
                return Common(message, TorrentState.Stopping);
        }
    }

    private void StillStopping(List<IActorRef> waiters, bool storageOpen, bool trackerRunning)
    {
        if (storageOpen || trackerRunning) _behaviour = m => Stopping(m, waiters, storageOpen, trackerRunning);
        else FinishStop(waiters);
    }

    private void FinishStop(List<IActorRef> waiters)
    {
        Publish(new StateChanged(_torrent.InfoHash, Now, TorrentState.Stopped));
        foreach (var w in waiters) w.Tell(new TorrentStopped(_torrent.InfoHash));
        Context.Stop(Self);
    }
}
