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
    public static byte[] FromPieceLayer(ReadOnlySpan<byte> layer, int pieceLength)
    {
        var count = layer.Length / HashLength;
        var width = 1;
        while (width < count) width *= 2;
        var pad = PadHash(pieceLength);
        var level = new byte[width * HashLength];
        layer.CopyTo(level);
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
