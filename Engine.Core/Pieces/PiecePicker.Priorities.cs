namespace Engine.Core.Pieces;

internal sealed partial class PiecePicker
{
    /// <summary>The piece's priority: 0 = not wanted, then low, normal, high (<see cref="PiecePriorities"/>).</summary>
    public byte Priority(int piece)
    {
        CheckPiece(piece);
        return _priority[piece];
    }

    /// <summary>Some block of the piece is claimed or received, and it is not verified.</summary>
    public bool IsStarted(int piece) => ProgressOf(piece) is not null;

    /// <summary>Wanted pieces not verified yet.</summary>
    public int NeededCount => _needed.SetCount;

    /// <summary>
    /// Re-plans with a priority for every piece (<see cref="PiecePriorities.FromFiles"/>); takes effect at the next pick.
    /// Started pieces that become unwanted keep their blocks in transit, but no more of theirs are requested.
    /// </summary>
    public void SetPriorities(ReadOnlySpan<byte> priorities)
    {
        if (priorities.Length != _layout.PieceCount)
            throw new ArgumentException($"{priorities.Length} priorities for {_layout.PieceCount} pieces", nameof(priorities));
        for (var piece = 0; piece < priorities.Length; piece++) SetPriority(piece, priorities[piece]);
    }

    public void SetPriority(int piece, byte priority)
    {
        CheckPiece(piece);
        if (priority > PiecePriorities.High)
            throw new ArgumentOutOfRangeException(nameof(priority), $"priority {priority} is above high ({PiecePriorities.High})");
        var old = _priority[piece];
        if (old == priority) return;
        if (_have[piece])
        {
            _priority[piece] = priority;
            return;
        }
        var progress = ProgressOf(piece);
        var blocks = progress is null ? _layout.BlockCount(piece) : progress.FreeCount;
        if (progress is null && old > 0) RemoveFresh(piece);
        if (old > 0) _unclaimedBlocks -= blocks;
        _priority[piece] = priority;
        _needed[piece] = priority > 0;
        if (priority == 0) return;
        if (progress is null) AddFresh(piece);
        _unclaimedBlocks += blocks;
        _freshVersion++; // a piece may have become pickable for a peer that found none
    }
}
