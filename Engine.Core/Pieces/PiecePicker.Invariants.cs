using Engine.Core.Primitives;

namespace Engine.Core.Pieces;

internal sealed partial class PiecePicker
{
    /// <summary>
    /// Recomputes all bookkeeping from scratch and throws <see cref="InvalidOperationException"/> naming the
    /// first inconsistency. O(pieces × peers): for tests and debugging only.
    /// </summary>
    internal void CheckInvariants()
    {
        long unclaimed = 0;
        var fresh = new int[_freshAt.Length];
        var claimCounts = new Dictionary<BlockRequest, int>();
        foreach (var state in _peers.Values)
            foreach (var block in state.Claims)
                claimCounts[block] = claimCounts.GetValueOrDefault(block) + 1;
        foreach (var state in _peers.Values)
        {
            Require(state.Duplicates.Count <= _maxDuplicates, $"peer {state.Key}: {state.Duplicates.Count} duplicate claims, at most {_maxDuplicates}");
            foreach (var block in state.Duplicates)
                Require(state.Claims.Contains(block), $"peer {state.Key}: duplicate {block} is not among its claims");
        }

        for (var piece = 0; piece < _layout.PieceCount; piece++)
        {
            var availability = 0;
            foreach (var state in _peers.Values) if (state.Has[piece]) availability++;
            Require(availability == _availability[piece], $"piece {piece}: availability {_availability[piece]}, peers say {availability}");
            var progress = ProgressOf(piece);
            var inBucket = _bucketPositions[piece] >= 0;
            if (_have[piece])
            {
                Require(progress is null && !inBucket && !_active.Contains(piece) && !_open.Contains(piece), $"piece {piece}: have, but also tracked");
                Require(!_needed[piece], $"piece {piece}: have, but still needed");
                continue;
            }
            var wanted = _priority[piece] > 0;
            Require(_needed[piece] == wanted, $"piece {piece}: needed {_needed[piece]}, priority {_priority[piece]}");
            if (progress is null)
            {
                Require(!_active.Contains(piece) && !_open.Contains(piece), $"piece {piece}: fresh but active");
                if (!wanted)
                {
                    Require(!inBucket, $"piece {piece}: skipped but in a bucket");
                    continue;
                }
                var bucket = _levels[_priority[piece] - 1][availability];
                Require(inBucket && bucket[_bucketPositions[piece]] == piece, $"piece {piece}: fresh but not in bucket {availability} of level {_priority[piece]}");
                fresh[_priority[piece] - 1]++;
                unclaimed += _layout.BlockCount(piece);
                continue;
            }
            Require(!inBucket && _active.Contains(piece), $"piece {piece}: active state inconsistent");
            Require(progress.Piece == piece && progress.BlockCount == _layout.BlockCount(piece), $"piece {piece}: wrong progress object");
            int free = 0, received = 0, cooling = 0;
            for (var block = 0; block < progress.BlockCount; block++)
            {
                var claims = claimCounts.GetValueOrDefault(_layout.Block(piece, block));
                if (progress.IsCooling(block))
                {
                    cooling++;
                    Require(progress.IsFree(block), $"piece {piece} block {block}: cooling but not free");
                    Require(_cooling.Exists(e => e.Block == _layout.Block(piece, block)), $"piece {piece} block {block}: cooling but not listed");
                }
                Require(claims == progress.Claims(block), $"piece {piece} block {block}: {progress.Claims(block)} claims counted, peers hold {claims}");
                if (progress.IsReceived(block)) { received++; Require(claims == 0, $"piece {piece} block {block}: received yet claimed"); }
                else if (claims == 0) free++;
            }
            Require(free == progress.FreeCount && received == progress.ReceivedCount && cooling == progress.CoolingCount,
                $"piece {piece}: free/received/cooling counts drifted");
            Require(_open.Contains(piece) == (free > 0), $"piece {piece}: open set membership wrong ({free} free blocks)");
            if (wanted) unclaimed += free;
        }
        for (var level = 0; level < fresh.Length; level++)
            Require(fresh[level] == _freshAt[level], $"level {level + 1}: {_freshAt[level]} fresh pieces counted, {fresh[level]} found");
        Require(unclaimed == _unclaimedBlocks, $"unclaimed blocks {_unclaimedBlocks}, recount {unclaimed}");
        foreach (var block in claimCounts.Keys)
            Require(ProgressOf(block.Piece) is not null, $"{block} claimed but its piece is not active");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition) throw new InvalidOperationException("picker invariant broken: " + problem);
    }
}
