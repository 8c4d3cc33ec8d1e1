using Akka.Actor;
using Akka.Event;
using Engine.Events;
using Engine.Storage;

namespace Engine.Pieces;

/// <summary>
/// Verified pieces whose data went missing from the disk (a file truncated, changed or removed under a seeding or
/// downloading torrent, found by an upload read): they stop being ours — peers hear <see cref="PieceGone"/> and the
/// picker wants them again — and each is checked again from the disk. One that still checks out is verified again as
/// usual (and served again); one that does not is downloaded again. A re-check blames no peer.
/// </summary>
internal sealed partial class PieceManager
{
    /// <summary>From a peer connection: an upload read found pieces <paramref name="First"/>..<paramref name="Last"/> gone from the disk.</summary>
    public sealed record PiecesLost(int First, int Last, string Reason);

    /// <summary>To every peer: we no longer have this piece (its requests are refused from now on).</summary>
    public sealed record PieceGone(int Piece);

    private readonly HashSet<int> _rechecking = new();

    private void OnPiecesLost(PiecesLost m)
    {
        var first = Math.Max(0, m.First);
        var last = Math.Min(_layout.PieceCount - 1, m.Last);
        var lost = 0;
        // The disk worker may hold a handle to a file since removed or replaced: it opens the files afresh first.
        if (first <= last) _storage.Tell(new StorageActor.ReopenFiles());
        for (var piece = first; piece <= last; piece++)
        {
            if (!_picker.Have[piece] || _rechecking.Contains(piece)) continue;
            _picker.PieceLost(piece);
            _verifiedBytes -= _layout.PieceSize(piece);
            _rechecking.Add(piece);
            _storage.Tell(new StorageActor.VerifyPiece(piece));
            foreach (var p in _peers.Values) p.Actor.Tell(new PieceGone(piece));
            lost++;
        }
        if (lost == 0) return;
        _completedAnnounced = false;
        _resumeDirty = true;
        if (!Timers.IsTimerActive("save")) Timers.StartSingleTimer("save", SaveTick.Instance, _saveInterval);
        Context.GetLogger().Warning("{0} verified pieces ({1}..{2}) are gone from the disk and are checked again: {3}", lost, first, last, m.Reason);
        Context.Parent.Tell(new DataLost(_infoHash, Context.System.Scheduler.Now, first, last, m.Reason));
        foreach (var p in _peers.Values) UpdateInterest(p);
        ReportProgress();
    }

    /// <summary>The verdict on a piece checked again after it was lost; false when <paramref name="m"/> is not such a verdict.</summary>
    private bool OnRechecked(StorageActor.PieceChecked m)
    {
        if (!_rechecking.Remove(m.Piece)) return false;
        if (m.Ok) return false; // verified again, the usual way (it is missing in the picker until then)
        // Still missing: it is downloaded again like any piece we lack (no peer is to blame, nothing to count).
        return true;
    }
}
