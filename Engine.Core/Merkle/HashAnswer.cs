using Engine.Core.Wire;

namespace Engine.Core.Merkle;

/// <summary>
/// What a seeder answers to a BEP 52 <c>hash request</c>: the requested piece-layer hashes of a file we have the layer
/// of, then the uncle hashes that prove them against the file's pieces root. BEP 52 only requires answering for the
/// leaf and the piece layers; the leaf layer needs the data read back and is <see cref="LeafAnswer"/>'s. Anything else —
/// an unknown root, another layer, a length that is not a power of two of at least 2 (unless the end of the file's
/// pieces cuts it short) or more than <see cref="MaxLength"/>, an index not a multiple of it or past the padded layer,
/// more proof layers than the tree has — is null: the caller sends <c>hash reject</c>. Pure.
/// </summary>
internal static class HashAnswer
{
    /// <summary>Most hashes of a layer answered at once (BEP 52: a request SHOULD NOT ask for more than 512).</summary>
    public const int MaxLength = 512;

    /// <summary>The hashes to send (base layer, then uncles, the one closest to the root last), or null to reject.</summary>
    public static byte[]? Answer(MerklePieces pieces, HashRange range)
    {
        var file = pieces.FindFile(range.Root);
        if (file < 0 || range.BaseLayer != PieceLayer(pieces.PieceLength)) return null;
        var tree = pieces.Tree(file);
        if (tree is null) return null;
        var length = range.Length;
        if (length < 1 || length > MaxLength || range.Index < 0 || range.ProofLayers < 0 || range.ProofLayers > tree.Height) return null;
        // The aligned subtree the hashes lie in: at least a pair (a single hash cut short by the end of the file is
        // proved as its pair, as libtorrent does).
        var span = Math.Max(2, MerkleTree.PowerOfTwo(length));
        if (range.Index % span != 0 || range.Index + length > tree.Width) return null;
        // A length that is not a power of two of at least 2 is allowed only when the end of the file's pieces cuts it short.
        if (length != span && range.Index + length < pieces.PiecesInFile(file)) return null;

        var subtree = Log2(span);
        var uncles = Math.Max(0, Math.Min(range.ProofLayers - (subtree - 1), tree.Height - subtree));
        var answer = new byte[(length + uncles) * MerkleTree.HashLength];
        for (var i = 0; i < length; i++)
            tree.Node(0, range.Index + i).CopyTo(answer.AsSpan(i * MerkleTree.HashLength));
        var position = range.Index / span;
        for (var k = 0; k < uncles; k++)
            tree.Node(subtree + k, (position >> k) ^ 1).CopyTo(answer.AsSpan((length + k) * MerkleTree.HashLength));
        return answer;
    }

    /// <summary>The layer of the tree whose nodes cover one piece (0: the 16 KiB leaves).</summary>
    public static int PieceLayer(int pieceLength) => Log2(pieceLength / MerkleTree.BlockSize);

    private static int Log2(int powerOfTwo) => System.Numerics.BitOperations.Log2((uint)powerOfTwo);
}
