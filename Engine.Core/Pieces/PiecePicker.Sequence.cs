using System.Numerics;
using Engine.Core.Primitives;

namespace Engine.Core.Pieces;

internal sealed partial class PiecePicker
{
    private int _windowStart = -1; // streaming: the first piece of the reading window, -1 for none
    private int _windowEnd = -1;   // exclusive

    /// <summary>Sequential mode: within a priority level, new pieces are started in index order instead of rarest first.</summary>
    public bool Sequential { get; set; }

    /// <summary>
    /// Streaming: the wanted pieces of [<paramref name="first"/>, first + <paramref name="count"/>) come before everything
    /// else, in index order (a reader waits on the first); the rest stays rarest-first so the swarm is not starved.
    /// A count of 0 clears the window.
    /// </summary>
    public void SetWindow(int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            _windowStart = _windowEnd = -1;
            return;
        }
        CheckPiece(first);
        _windowStart = first;
        _windowEnd = (int)Math.Min((long)first + count, _layout.PieceCount);
        _freshVersion++; // window pieces may be pickable for a peer that found nothing fresh
    }

    /// <summary>The reading window, or (-1, -1).</summary>
    public (int First, int End) Window => (_windowStart, _windowEnd);

    /// <summary>Claims free blocks of the window's pieces, in index order, before any other piece.</summary>
    private int PickWindow(PeerState state, Bitfield peerHas, Span<BlockRequest> destination)
    {
        var written = 0;
        for (var piece = _windowStart; piece >= 0 && piece < _windowEnd && written < destination.Length; piece++)
        {
            if (!_needed[piece] || !peerHas[piece]) continue;
            var progress = _progress[piece];
            if (progress is null) progress = Activate(piece);
            else if (progress.FreeCount == 0) continue;
            written += ClaimFree(state, progress, destination[written..]);
        }
        return written;
    }

    /// <summary>The lowest-index fresh piece of the level that the peer has (sequential mode).</summary>
    private int PickFirstFresh(Bitfield peerHas)
    {
        var theirs = peerHas.Words;
        var needed = _needed.Words;
        for (var level = _levels.Length; level >= 1; level--)
        {
            if (_freshAt[level - 1] == 0) continue;
            for (var w = 0; w < theirs.Length; w++)
            {
                var bits = theirs[w] & needed[w];
                while (bits != 0)
                {
                    var bit = BitOperations.LeadingZeroCount(bits);
                    bits &= ~(1UL << (63 - bit));
                    var piece = (w << 6) + bit;
                    if (_progress[piece] is null && _priority[piece] == level) return piece;
                }
            }
        }
        return -1;
    }
}
