using Engine.Core.Wire;

namespace Engine.Core.Merkle;

/// <summary>
/// The answer to a BEP 52 <c>hash request</c> for the leaf layer (base layer 0: the SHA-256 of each 16 KiB block of a
/// file), which BEP 52 requires a seeder to serve (libtorrent asks for leaves after a piece failed, to find the bad
/// block). It needs the data, so it comes in two steps: <see cref="Plan"/> says which pieces' leaves are needed (or
/// null to reject), the caller hashes them off the actor thread, and <see cref="Answer"/> writes the leaves asked for
/// and their uncles — those below the piece layer from the leaves read, those above it from the file's
/// <see cref="LayerTree"/>, the one closest to the root last, as <see cref="HashAnswer"/> does for the piece layer.
/// The rules are <see cref="HashAnswer"/>'s: a length of a power of two of at least 2 (unless the end of the file's
/// blocks cuts it short) and at most <see cref="HashAnswer.MaxLength"/>, an index that is a multiple of it and in one
/// of the file's pieces (the range may run into the zero leaves of the padded tree), no more proof layers than the
/// tree has; and the file's layer must be known. Pure.
/// </summary>
internal static class LeafAnswer
{
    /// <summary>What to read for a leaf request: the file (among files with data), its global pieces <paramref name="FirstPiece"/> on, and how many leaves a piece spans in its tree.</summary>
    public sealed record LeafPlan(int File, int FirstPiece, int PieceCount, int LeavesPerPiece);

    /// <summary>The pieces whose leaves an answer needs (contiguous), or null to reject the request.</summary>
    public static LeafPlan? Plan(MerklePieces pieces, HashRange range)
    {
        if (range.BaseLayer != 0) return null;
        var file = pieces.FindFile(range.Root);
        if (file < 0) return null;
        var fileLength = pieces.File(file).Length;
        var perPiece = MerkleTree.PieceWidth(fileLength, pieces.PieceLength);
        var tree = pieces.NeedsLayer(file) ? pieces.Tree(file) : null;
        if (tree is null && pieces.NeedsLayer(file)) return null;
        var width = perPiece * (tree?.Width ?? 1);
        var height = Log2(width);
        var leaves = MerkleTree.Blocks(fileLength);
        var count = range.Length;
        if (count < 1 || count > HashAnswer.MaxLength || range.Index < 0 || range.ProofLayers < 0 || range.ProofLayers > height) return null;
        var span = Math.Max(2, MerkleTree.PowerOfTwo(count));
        // Inside the padded tree, starting in a piece of the file (leaves past the file's end are zero hashes).
        if (span > width || range.Index % span != 0 || range.Index / perPiece >= pieces.PiecesInFile(file)) return null;
        if (count != span && range.Index + count < leaves) return null;
        var first = range.Index / perPiece;
        var last = Math.Min((range.Index + span - 1) / perPiece, pieces.PiecesInFile(file) - 1);
        return new LeafPlan(file, pieces.FirstPiece(file) + first, last - first + 1, perPiece);
    }

    /// <summary>
    /// The hashes to send (the leaves, then the uncles), from <paramref name="pieceLeaves"/>: the leaf hashes of each
    /// planned piece in order, <see cref="LeafPlan.LeavesPerPiece"/> for every piece but the file's last, which may have
    /// fewer (its blocks past the end of the file are zero hashes).
    /// </summary>
    public static byte[] Answer(MerklePieces pieces, HashRange range, LeafPlan plan, ReadOnlySpan<byte> pieceLeaves)
    {
        const int H = MerkleTree.HashLength;
        var perPiece = plan.LeavesPerPiece;
        var tree = pieces.NeedsLayer(plan.File) ? pieces.Tree(plan.File) : null;
        var pieceLevel = Log2(perPiece);
        var height = pieceLevel + (tree?.Height ?? 0);
        // The planned pieces' leaves, each padded with zero hashes to a whole piece of the tree.
        var count = range.Length;
        var span = Math.Max(2, MerkleTree.PowerOfTwo(count));
        var leaves = new byte[Math.Max(plan.PieceCount * perPiece, span) * H]; // a span past the file's last piece: zero leaves
        pieceLeaves[..Math.Min(pieceLeaves.Length, leaves.Length)].CopyTo(leaves);
        var first = (plan.FirstPiece - pieces.FirstPiece(plan.File)) * perPiece; // the leaf index leaves[0] is

        var subtree = Log2(span);
        var uncles = Math.Max(0, Math.Min(range.ProofLayers - (subtree - 1), height - subtree));
        var answer = new byte[(count + uncles) * H];
        leaves.AsSpan((range.Index - first) * H, count * H).CopyTo(answer);
        for (var k = 0; k < uncles; k++)
        {
            var level = subtree + k;
            var sibling = (range.Index >> level) ^ 1;
            var destination = answer.AsSpan((count + k) * H, H);
            if (level >= pieceLevel)
                tree!.Node(level - pieceLevel, sibling).CopyTo(destination);
            else // inside the piece the range lies in: the root of the sibling's leaves
                MerkleTree.Root(leaves.AsSpan(((sibling << level) - first) * H, (1 << level) * H), 1 << level, MerkleTree.ZeroLeaf, destination);
        }
        return answer;
    }

    private static int Log2(int powerOfTwo) => System.Numerics.BitOperations.Log2((uint)powerOfTwo);
}
