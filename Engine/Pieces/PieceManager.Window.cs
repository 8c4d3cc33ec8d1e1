using Akka.Actor;

namespace Engine.Pieces;

/// <summary>
/// Streaming: when a reading window jumps (a file opened right after the torrent was added, a seek), every peer's
/// pipeline is full of requests for other pieces, which a peer serves in the order they came — at a slow seeder,
/// seconds of data ahead of the window. Each peer that has a missing window piece gives back its other requests
/// (<see cref="Core.Pieces.PiecePicker.ReleaseForWindows"/>) and is told to cancel them and ask again: the window's
/// blocks come next. Windows that move on as their readers read do not do this. Web seeds keep theirs (a range in
/// flight cannot be cancelled).
/// </summary>
internal sealed partial class PieceManager
{
    private void ReclaimForWindows()
    {
        foreach (var p in _byKey.Values)
        {
            if (!p.InPicker || !p.CanCancel) continue;
            var n = _picker.ReleaseForWindows(p.Key, PickBuffer);
            if (n > 0) p.Actor.Tell(new Reclaim(PickBuffer.AsSpan(0, n).ToArray()));
        }
    }
}
