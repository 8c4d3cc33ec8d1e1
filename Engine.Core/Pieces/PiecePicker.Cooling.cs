using System.Diagnostics.CodeAnalysis;
using Engine.Core.Primitives;

namespace Engine.Core.Pieces;

/// <summary>
/// Blocks given back with a cancel (a peer holding far more requests than its rate needs: <see cref="RequestPipeline.Trim"/>).
/// The peer may have sent some already: a seeder pushes the blocks it serves into its send buffer, socket and path, seconds of
/// data at a slow or buffer-bloated uplink, where a cancel no longer reaches them. Those come anyway; handed to another peer
/// at once, one of the two copies was received for nothing. So they "cool": handed out only when no other block is free,
/// those the peer would have sent last (deepest in its queue, at its pace) first, so that the ones it may have sent arrive
/// meanwhile (and are used: the picker takes a block that comes unclaimed while it is free).
/// </summary>
internal sealed partial class PiecePicker
{
    /// <summary>Cooling blocks, with the seconds their peer would have taken to send them; entries whose block stopped cooling are dropped when met.</summary>
    private readonly List<(double Seconds, BlockRequest Block)> _cooling = new();
    private bool _coolingSorted = true;

    /// <summary>Compacted when it grows this long (stale entries pile up when no peer runs out of other free blocks).</summary>
    private const int CoolingCompactAt = 1 << 16;

    /// <summary>Blocks waiting in <see cref="_cooling"/> (tests).</summary>
    internal int CoolingBlocks
    {
        get
        {
            CompactCooling();
            return _cooling.Count;
        }
    }

    /// <summary>
    /// The peer was sent cancels for these blocks, the newest of its queue, given in the order it would have sent them
    /// (the oldest request first). They return to the pool as cooling blocks, each ranked by how long the peer would have
    /// taken to reach it: its place in the peer's queue over the peer's pace (one block a second when not known).
    /// </summary>
    public void ReleaseCancelled(int peer, ReadOnlySpan<BlockRequest> blocks)
    {
        if (!_peers.TryGetValue(peer, out var state)) return;
        var ahead = Math.Max(0, state.Claims.Count - blocks.Length);
        var pace = state.Pace.IsKnown ? state.Pace.BlocksPerSecond : 1.0;
        for (var i = 0; i < blocks.Length; i++)
        {
            var block = blocks[i];
            if (Release(state, block) && ProgressOf(block.Piece)!.Cool(block.BlockIndex))
            {
                _cooling.Add(((ahead + i + 1) / pace, block));
                _coolingSorted = false;
            }
        }
        if (_cooling.Count >= CoolingCompactAt) CompactCooling();
    }

    /// <summary>Claims cooling blocks of pieces the peer has, those their peer would have sent last first.</summary>
    private int ClaimCooling(PeerState state, Bitfield peerHas, Span<BlockRequest> destination)
    {
        if (!_coolingSorted)
        {
            _cooling.Sort(static (a, b) => b.Seconds.CompareTo(a.Seconds));
            _coolingSorted = true;
        }
        var written = 0;
        var kept = 0;
        for (var i = 0; i < _cooling.Count; i++)
        {
            var entry = _cooling[i];
            if (!IsCooling(entry.Block, out var progress)) continue;
            var piece = entry.Block.Piece;
            if (written < destination.Length && peerHas[piece] && _priority[piece] > 0 && MayClaim(state, piece))
            {
                destination[written++] = ClaimBlock(state, progress, entry.Block.BlockIndex);
                continue;
            }
            _cooling[kept++] = entry;
        }
        _cooling.RemoveRange(kept, _cooling.Count - kept);
        return written;
    }

    /// <summary>Drops the entries whose block no longer cools (it came, was claimed, or its piece finished).</summary>
    private void CompactCooling() => _cooling.RemoveAll(e => !IsCooling(e.Block, out _));

    private bool IsCooling(BlockRequest block, [NotNullWhen(true)] out PieceProgress? progress)
    {
        progress = ProgressOf(block.Piece);
        return progress is not null && progress.IsCooling(block.BlockIndex);
    }
}
