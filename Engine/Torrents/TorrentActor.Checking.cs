using Akka.Actor;
using Engine.Events;
using Engine.Mailboxes;
using Engine.Peers;
using Engine.Pieces;
using Engine.Storage;

namespace Engine.Torrents;

/// <summary>The first behaviour: storage checks the data already on disk; then the torrent downloads, seeds or stays paused.</summary>
internal sealed partial class TorrentActor
{
    /// <summary>
    /// Waiting for <see cref="StorageActor.CheckCompleted"/>. Pause and Resume only decide what follows the check.
    /// Addresses given meanwhile, and a magnet's handed-over connection, are stashed until a swarm runs; incoming connections are closed.
    /// </summary>
    private bool Checking(object message, bool pauseWhenChecked)
    {
        switch (message)
        {
            case StorageActor.CheckProgress m:
                _checkProgress = (double)m.Checked / Math.Max(1, m.Total);
                return true;
            case StorageActor.CheckCompleted m:
                OnChecked(m, pauseWhenChecked);
                return true;
            case Pause or Resume:
                var pause = message is Pause;
                _behaviour = m => Checking(m, pause);
                Sender.Tell(new CommandDone(TorrentState.Checking));
                return true;
            case PeerManager.AddPeers or PeerManager.HandedOver:
                Stash.Stash();
                return true;
            default:
                return Running(message, TorrentState.Checking);
        }
    }

    private void OnChecked(StorageActor.CheckCompleted m, bool pause)
    {
        _checkProgress = 1;
        _startup = new StartupReport(m.Verified.SetCount, m.Source);
        _have = m.Verified.Clone();
        long verifiedBytes = 0;
        for (var i = _have.NextSet(0); i >= 0; i = _have.NextSet(i + 1)) verifiedBytes += _torrent.Layout.PieceSize(i);
        _progress = new PieceManager.Progress(_have.SetCount, verifiedBytes, IsDone(), false, 0, 0); // until the PieceManager reports
        _verifiedBytes = verifiedBytes;
        PublishProgress(); // where the check left it
        _pieces = Context.ActorOf(PieceManager.Props(_torrent.InfoHash, _torrent.Layout, m.Verified, _storage, Environment.TickCount, _engine.ResumeSaveInterval, _blocks, PieceLevelsOrNull(), _torrent.Merkle, m.Held,
            leaves: _torrent.HashSource, disk: _disk).WithMailbox(LeanMailbox.Id), "pieces");
        Context.Watch(_pieces);
        TellPlan();
        if (pause)
        {
            Enter(TorrentState.Paused, Paused);
            if (IsDone()) Publish(new Completed(_torrent.InfoHash, Now));
            return;
        }
        StartSwarm();
        if (IsDone()) BecomeSeeding();
        else Enter(TorrentState.Downloading, Downloading);
        Stash.UnstashAll();
    }
}
