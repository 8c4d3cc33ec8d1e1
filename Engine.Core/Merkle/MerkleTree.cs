using System.Buffers;
using System.Security.Cryptography;

namespace Engine.Core.Merkle;

/// <summary>
/// BEP 52 merkle arithmetic over SHA-256. A file's tree has the SHA-256 of each 16 KiB block as leaves (the
/// last block hashed as long as it is), padded with zero hashes to a power of two; each node is the SHA-256
/// of its two children. The <em>piece layer</em> is the level whose nodes each cover one piece; past the end
/// of the file its nodes are roots of all-zero leaves (<see cref="PadHash"/>). A file no longer than one piece
/// has no piece layer: its root is over its own leaves only. Allocation-free but for what it returns.
/// </summary>
internal static class MerkleTree
{
    public const int BlockSize = 16 * 1024;
    public const int HashLength = 32;

    private static readonly byte[] ZeroHash = new byte[HashLength];

    /// <summary>The hash padding leaves have: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> ZeroLeaf => ZeroHash;

    /// <summary>The smallest power of two that is at least <paramref name="count"/> (1 for 0 or less).</summary>
    public static int PowerOfTwo(int count)
    {
        var width = 1;
        while (width < count) width *= 2;
        return width;
    }

    /// <summary>16 KiB blocks in <paramref name="length"/> bytes (the last one may be short).</summary>
    public static int Blocks(long length) => (int)((length + BlockSize - 1) / BlockSize);

    /// <summary>The root of a subtree of all-zero leaves covering <paramref name="coveredBytes"/> (a power-of-two multiple of 16 KiB).</summary>
    public static byte[] PadHash(int coveredBytes)
    {
        var node = new byte[HashLength];
        Span<byte> pair = stackalloc byte[2 * HashLength];
        for (var covered = BlockSize; covered < coveredBytes; covered *= 2)
        {
            node.CopyTo(pair);
            node.CopyTo(pair[HashLength..]);
            SHA256.HashData(pair, node);
        }
        return node;
    }

    /// <summary>Writes the SHA-256 of each 16 KiB block of <paramref name="data"/> to <paramref name="leaves"/>.</summary>
    public static void HashLeaves(ReadOnlySpan<byte> data, Span<byte> leaves)
    {
        var blocks = Blocks(data.Length);
        if (leaves.Length < blocks * HashLength) throw new ArgumentException("the leaves span is too short", nameof(leaves));
        for (var b = 0; b < blocks; b++)
        {
            var start = b * BlockSize;
            SHA256.HashData(data.Slice(start, Math.Min(BlockSize, data.Length - start)), leaves.Slice(b * HashLength, HashLength));
        }
    }

    /// <summary>
    /// Writes to <paramref name="root"/> the root over <paramref name="nodes"/> (concatenated 32-byte hashes) padded
    /// with <paramref name="pad"/> to <paramref name="width"/> nodes (a power of two, at least as many as given).
    /// </summary>
    public static void Root(ReadOnlySpan<byte> nodes, int width, ReadOnlySpan<byte> pad, Span<byte> root)
    {
        var count = nodes.Length / HashLength;
        if (nodes.Length % HashLength != 0 || width < count || width <= 0 || (width & (width - 1)) != 0)
            throw new ArgumentException($"{count} node(s) cannot be padded to a width of {width}", nameof(width));
        var rented = ArrayPool<byte>.Shared.Rent(width * HashLength);
        try
        {
            var level = rented.AsSpan(0, width * HashLength);
            nodes.CopyTo(level);
            for (var i = count; i < width; i++) pad.CopyTo(level.Slice(i * HashLength, HashLength));
            while (width > 1)
            {
                width /= 2;
                for (var i = 0; i < width; i++)
                    SHA256.HashData(level.Slice(i * 2 * HashLength, 2 * HashLength), level.Slice(i * HashLength, HashLength));
            }
            level[..HashLength].CopyTo(root);
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>The root over <paramref name="leaves"/> padded with zero hashes to <paramref name="width"/> leaves.</summary>
    public static byte[] FromLeaves(ReadOnlySpan<byte> leaves, int width)
    {
        var root = new byte[HashLength];
        Root(leaves, width, ZeroHash, root);
        return root;
    }

    /// <summary>The pieces root of a file whose piece layer is <paramref name="layer"/>.</summary>
    public static byte[] FromPieceLayer(ReadOnlySpan<byte> layer, int pieceLength)
    {
        var root = new byte[HashLength];
        Root(layer, PowerOfTwo(layer.Length / HashLength), PadHash(pieceLength), root);
        return root;
    }

    /// <summary>
    /// The leaf width of the subtree whose root a piece of <paramref name="fileLength"/>'s file is checked against:
    /// a whole piece's blocks, or for a file no longer than one piece the power of two over its own blocks.
    /// </summary>
    public static int PieceWidth(long fileLength, int pieceLength) =>
        fileLength > pieceLength ? pieceLength / BlockSize : PowerOfTwo(Blocks(fileLength));

    /// <summary>The pieces root and the piece layer (null for a file no longer than one piece) of a file's bytes.</summary>
    public static (byte[] Root, byte[]? Layer) OfFile(ReadOnlySpan<byte> data, int pieceLength)
    {
        var leaves = new byte[Blocks(data.Length) * HashLength];
        HashLeaves(data, leaves);
        return OfLeaves(leaves, data.Length, pieceLength);
    }

    /// <summary>The pieces root and the piece layer (null for a file no longer than one piece) from a file's leaves.</summary>
    public static (byte[] Root, byte[]? Layer) OfLeaves(ReadOnlySpan<byte> leaves, long fileLength, int pieceLength)
    {
        if (fileLength <= pieceLength) return (FromLeaves(leaves, PieceWidth(fileLength, pieceLength)), null);
        var perPiece = pieceLength / BlockSize;
        var pieces = (int)((fileLength + pieceLength - 1) / pieceLength);
        var layer = new byte[pieces * HashLength];
        for (var p = 0; p < pieces; p++)
        {
            var first = p * perPiece * HashLength;
            var span = leaves.Slice(first, Math.Min(perPiece * HashLength, leaves.Length - first));
            Root(span, perPiece, ZeroHash, layer.AsSpan(p * HashLength, HashLength));
        }
        return (FromPieceLayer(layer, pieceLength), layer);
    }
}
