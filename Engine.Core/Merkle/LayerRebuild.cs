using Engine.Core.Pieces;

namespace Engine.Core.Merkle;

/// <summary>
/// A hybrid torrent's piece layers rebuilt from its own data (BEP 52) when it came without them — added by magnet, the
/// info dictionary from the swarm carries no <c>piece layers</c> — so it can answer v2 peers' hash requests for every
/// file. Its pieces are verified by their v1 hashes; once every piece of a file is, the file's layer is the merkle root
/// of each piece's 16 KiB leaves (<see cref="PieceNode"/>), and it is taken only when it leads to the file's
/// <c>pieces root</c> (<see cref="MerklePieces.TrySetLayer"/>: a hybrid whose halves disagree gets none). Which files are
/// ready is decided here (<see cref="Ready"/>, <see cref="CompletedBy"/>); the reading is the caller's. Pure.
/// </summary>
internal static class LayerRebuild
{
    /// <summary>Files (numbered as <see cref="MerklePieces.FileCount"/>) that need a layer, lack it, and have every piece in <paramref name="have"/>.</summary>
    public static List<int> Ready(MerklePieces pieces, Bitfield have)
    {
        var ready = new List<int>();
        for (var file = 0; file < pieces.FileCount; file++)
            if (IsReady(pieces, have, file)) ready.Add(file);
        return ready;
    }

    /// <summary>The file of <paramref name="piece"/> when it is ready now (see <see cref="Ready"/>); -1 otherwise.</summary>
    public static int CompletedBy(MerklePieces pieces, Bitfield have, int piece)
    {
        if ((uint)piece >= (uint)pieces.PieceCount) return -1;
        var (file, _) = pieces.Locate(piece);
        return IsReady(pieces, have, file) ? file : -1;
    }

    /// <summary>
    /// Writes to <paramref name="node"/> the piece-layer hash of a piece of a file longer than one piece: the root over
    /// <paramref name="leaves"/> (the SHA-256 of each 16 KiB block of its data) padded with zero leaves to a whole piece.
    /// </summary>
    public static void PieceNode(ReadOnlySpan<byte> leaves, int pieceLength, Span<byte> node)
        => MerkleTree.Root(leaves, pieceLength / MerkleTree.BlockSize, MerkleTree.ZeroLeaf, node);

    private static bool IsReady(MerklePieces pieces, Bitfield have, int file)
    {
        if (!pieces.NeedsLayer(file) || pieces.HasHash(pieces.FirstPiece(file))) return false;
        var first = pieces.FirstPiece(file);
        var end = first + pieces.PiecesInFile(file);
        if (have.Count < end) return false;
        for (var piece = first; piece < end; piece++)
            if (!have[piece]) return false;
        return true;
    }
}
