using System.Security.Cryptography;

namespace Engine.Core.Metainfo;

/// <summary>
/// BEP 52 merkle arithmetic over SHA-256: a file's tree has 16 KiB blocks as leaves, padded with
/// zero hashes to a power of two; a piece layer is the level whose nodes each cover one piece.
/// </summary>
internal static class MerkleRoot
{
    public const int BlockSize = 16 * 1024;
    public const int HashLength = 32;

    /// <summary>The hash of a subtree of <paramref name="pieceLength"/> bytes of padding (all-zero leaves).</summary>
    public static byte[] PadHash(int pieceLength)
    {
        var node = new byte[HashLength];
        Span<byte> pair = stackalloc byte[2 * HashLength];
        for (var covered = BlockSize; covered < pieceLength; covered *= 2)
        {
            node.CopyTo(pair);
            node.CopyTo(pair[HashLength..]);
            SHA256.HashData(pair, node);
        }
        return node;
    }

    /// <summary>The root of the tree whose piece layer is <paramref name="layer"/> (concatenated 32-byte hashes).</summary>
    public static byte[] FromPieceLayer(ReadOnlySpan<byte> layer, int pieceLength) =>
        Reduce(layer, PowerOfTwo(layer.Length / HashLength), PadHash(pieceLength));

    /// <summary>
    /// The root over <paramref name="leaves"/> (32-byte hashes) padded with zero hashes to <paramref name="width"/>
    /// leaves (a power of two): a piece's subtree, or the whole tree of a file no longer than one piece.
    /// </summary>
    public static byte[] FromLeaves(ReadOnlySpan<byte> leaves, int width) => Reduce(leaves, width, new byte[HashLength]);

    /// <summary>The smallest power of two that is at least <paramref name="count"/> (1 for 0).</summary>
    public static int PowerOfTwo(int count)
    {
        var width = 1;
        while (width < count) width *= 2;
        return width;
    }

    private static byte[] Reduce(ReadOnlySpan<byte> nodes, int width, byte[] pad)
    {
        var count = nodes.Length / HashLength;
        var level = new byte[width * HashLength];
        nodes.CopyTo(level);
        for (var i = count; i < width; i++) pad.CopyTo(level, i * HashLength);
        while (width > 1)
        {
            width /= 2;
            for (var i = 0; i < width; i++)
                SHA256.HashData(level.AsSpan(i * 2 * HashLength, 2 * HashLength), level.AsSpan(i * HashLength, HashLength));
        }
        return level[..HashLength];
    }
}
