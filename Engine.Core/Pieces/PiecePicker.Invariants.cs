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
        var claimCounts = new Dictionary<BlockRequest, int>();
        foreach (var state in _peers.Values)
            foreach (var block in state.Claims)
                claimCounts[block] = claimCounts.GetValueOrDefault(block) + 1;

        for (var piece = 0; piece < _layout.PieceCount; piece++)
        {
            var availability = 0;
            foreach (var state in _peers.Values) if (state.Has[piece]) availability++;
            Require(availability == _availability[piece], $"piece {piece}: availability {_availability[piece]}, peers say {availability}");
            var progress = _progress[piece];
            var inBucket = _bucketPositions[piece] >= 0;
            if (_have[piece])
            {
                Require(progress is null && !inBucket && !_active.Contains(piece) && !_open.Contains(piece), $"piece {piece}: have, but also tracked");
                continue;
            }
            if (progress is null)
            {
                Require(inBucket && _buckets[availability][_bucketPositions[piece]] == piece, $"piece {piece}: fresh but not in bucket {availability}");
                Require(!_active.Contains(piece) && !_open.Contains(piece), $"piece {piece}: fresh but active");
                unclaimed += _layout.BlockCount(piece);
                continue;
            }
            Require(!inBucket && _active.Contains(piece), $"piece {piece}: active state inconsistent");
            Require(progress.Piece == piece && progress.BlockCount == _layout.BlockCount(piece), $"piece {piece}: wrong progress object");
            int free = 0, received = 0;
            for (var block = 0; block < progress.BlockCount; block++)
            {
                var claims = claimCounts.GetValueOrDefault(_layout.Block(piece, block));
                Require(claims == progress.Claims(block), $"piece {piece} block {block}: {progress.Claims(block)} claims counted, peers hold {claims}");
                if (progress.IsReceived(block)) { received++; Require(claims == 0, $"piece {piece} block {block}: received yet claimed"); }
                else if (claims == 0) free++;
            }
            Require(free == progress.FreeCount && received == progress.ReceivedCount, $"piece {piece}: free/received counts drifted");
            Require(_open.Contains(piece) == (free > 0), $"piece {piece}: open set membership wrong ({free} free blocks)");
            unclaimed += free;
        }
        Require(unclaimed == _unclaimedBlocks, $"unclaimed blocks {_unclaimedBlocks}, recount {unclaimed}");
        foreach (var block in claimCounts.Keys)
            Require(_progress[block.Piece] is not null, $"{block} claimed but its piece is not active");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition) throw new InvalidOperationException("picker invariant broken: " + problem);
    }
}
