using System.Buffers.Binary;
using Engine.Core.Wire;

namespace Engine.Core.Merkle;

/// <summary>
/// A piece of a torrent with a v2 part failed its check: which of its 16 KiB blocks are wrong, and who sent them (BEP 52).
/// The piece's leaves (the SHA-256 of each block of file data) are asked of a peer (<see cref="Request"/>: base layer
/// 0, no proof, since the piece's own hash is known), taken only when they lead to that hash (<see cref="Proven"/>:
/// anyone may answer, even the liar, since it cannot forge a leaf that does), and compared with the digests of the
/// blocks as written (<see cref="Judge{TPeer}"/>: each block's <c>BlockDigest</c>, the first 128 bits of the SHA-256 of
/// its file bytes). A piece with one block of data needs no answer: that block is the wrong one. Who is asked first
/// (<see cref="NextToAsk{TPeer}"/>): a peer that sent none of the piece, for a liar may not answer. Pure.
/// </summary>
internal static class BadBlocks
{
    /// <summary>Blocks of file data in <paramref name="piece"/> (the blocks after them are padding, never wrong).</summary>
    public static int DataBlocks(MerklePieces pieces, int piece) => MerkleTree.Blocks(pieces.DataLength(piece));

    /// <summary>
    /// The <c>hash request</c> for the leaves of <paramref name="piece"/>: its file's pieces root, base layer 0, from the
    /// piece's first leaf, one leaf per block of data (the whole piece, or cut short by the end of the file), no proof
    /// layers. Null when nothing is to be asked: the piece's hash is not known, or it holds a single block of data.
    /// </summary>
    public static HashRange? Request(MerklePieces pieces, int piece)
    {
        if (!pieces.HasHash(piece)) return null;
        var blocks = DataBlocks(pieces, piece);
        if (blocks < 2) return null;
        var (file, index) = pieces.Locate(piece);
        var f = pieces.File(file);
        var perPiece = MerkleTree.PieceWidth(f.Length, pieces.PieceLength);
        return new HashRange(f.PiecesRoot.ToArray(), 0, index * perPiece, blocks, 0);
    }

    /// <summary>
    /// The leaves of <paramref name="piece"/> from <paramref name="answer"/> to <paramref name="asked"/>, or null when
    /// it answers something else or its hashes do not lead to the piece's hash.
    /// </summary>
    public static byte[]? Proven(MerklePieces pieces, int piece, HashRange asked, Hashes answer)
    {
        if (!answer.Range.Equals(asked) || answer.Data.Length != asked.Length * MerkleTree.HashLength) return null;
        return pieces.VerifyLeaves(piece, answer.Data) ? answer.Data : null;
    }

    /// <summary>
    /// Compares each block of data with its leaf. <paramref name="leaves"/>: one 32-byte leaf per block of data, or empty
    /// when the piece has a single block of data (which is then the wrong one); <paramref name="digests"/>: one per
    /// block of the piece as written (padding blocks included, ignored); <paramref name="senders"/>[i]: who sent block i
    /// (null: unknown — such a bad block is fetched again, and blames nobody). A peer is guilty when any block it sent is
    /// bad, cleared when it sent only good ones.
    /// </summary>
    public static BlockBlame<TPeer> Judge<TPeer>(ReadOnlySpan<byte> leaves, ReadOnlySpan<UInt128> digests, IReadOnlyList<TPeer?> senders)
        where TPeer : class
    {
        ArgumentNullException.ThrowIfNull(senders);
        if (digests.Length != senders.Count)
            throw new ArgumentException($"{digests.Length} digests for {senders.Count} blocks", nameof(digests));
        if (leaves.Length % MerkleTree.HashLength != 0)
            throw new ArgumentException($"{leaves.Length} bytes of leaves is not a whole number of hashes", nameof(leaves));
        var dataBlocks = leaves.IsEmpty ? 1 : leaves.Length / MerkleTree.HashLength;
        if (dataBlocks > digests.Length)
            throw new ArgumentException($"{dataBlocks} leaves for {digests.Length} blocks", nameof(leaves));
        var bad = new List<int>();
        for (var block = 0; block < dataBlocks; block++)
            if (leaves.IsEmpty || Digest(leaves.Slice(block * MerkleTree.HashLength, MerkleTree.HashLength)) != digests[block])
                bad.Add(block);
        if (bad.Count == 0) return BlockBlame<TPeer>.None;
        var guilty = new List<TPeer>();
        foreach (var block in bad)
            if (senders[block] is { } peer && !guilty.Contains(peer)) guilty.Add(peer);
        var cleared = new List<TPeer>();
        for (var block = 0; block < dataBlocks; block++)
            if (senders[block] is { } peer && !guilty.Contains(peer) && !cleared.Contains(peer)) cleared.Add(peer);
        return new BlockBlame<TPeer>(bad, guilty, cleared);
    }

    /// <summary>
    /// Whom to ask for a failed piece's leaves among <paramref name="candidates"/> (peers that speak v2 and have the piece):
    /// the first not yet <paramref name="asked"/> that sent no block of it, else the first not yet asked; null when all were.
    /// </summary>
    public static TPeer? NextToAsk<TPeer>(IReadOnlyList<TPeer> candidates, IReadOnlyList<TPeer?> senders, IReadOnlyCollection<TPeer> asked)
        where TPeer : class
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(senders);
        ArgumentNullException.ThrowIfNull(asked);
        TPeer? contributor = null;
        foreach (var peer in candidates)
        {
            if (asked.Contains(peer)) continue;
            if (!senders.Contains(peer)) return peer;
            contributor ??= peer;
        }
        return contributor;
    }

    /// <summary>The first 128 bits of a leaf, as <c>BlockDigest</c> reads a block's SHA-256.</summary>
    private static UInt128 Digest(ReadOnlySpan<byte> leaf) => BinaryPrimitives.ReadUInt128LittleEndian(leaf);
}
