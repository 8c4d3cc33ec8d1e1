using System.Security.Cryptography;
using Engine.Core.Merkle;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Storage;

namespace Engine.Peers;

/// <summary>
/// Reads the pieces a leaf-layer hash request needs (<see cref="LeafAnswer.Plan"/>) through the torrent's
/// <see cref="BlockSource"/> — verified data only, pooled 16 KiB blocks — hashes each block's file bytes (not the
/// padding after them) and builds the answer. Runs on the thread pool; the connection pipes the result back.
/// </summary>
internal static class LeafReader
{
    /// <summary>The hashes to send, or null when a block could not be read (the request is then rejected).</summary>
    public static byte[]? Answer(BlockSource blocks, TorrentLayout layout, MerklePieces merkle, HashRange range, LeafAnswer.LeafPlan plan)
    {
        var leaves = new byte[plan.PieceCount * plan.LeavesPerPiece * MerkleTree.HashLength];
        var at = 0;
        for (var piece = plan.FirstPiece; piece < plan.FirstPiece + plan.PieceCount; piece++)
        {
            var data = merkle.DataLength(piece);
            var count = MerkleTree.Blocks(data);
            for (var b = 0; b < count; b++)
            {
                var block = blocks.TryRead(layout.Block(piece, b), out _);
                if (block is null) return null;
                try
                {
                    var length = Math.Min(MerkleTree.BlockSize, data - b * MerkleTree.BlockSize);
                    SHA256.HashData(block.Span[..length], leaves.AsSpan((at + b) * MerkleTree.HashLength, MerkleTree.HashLength));
                }
                finally { block.Release(); }
            }
            at += plan.LeavesPerPiece;
        }
        return LeafAnswer.Answer(merkle, range, plan, leaves);
    }
}
