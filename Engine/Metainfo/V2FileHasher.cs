using System.Security.Cryptography;
using Engine.Core.Metainfo;

namespace Engine.Metainfo;

/// <summary>
/// BEP 52 hashes of one file for <see cref="TorrentCreator"/>: SHA-256 of every 16 KiB block (the last one as long as
/// it is), the piece layer (one subtree root per piece, zero leaves past the end) and the file's <c>pieces root</c>.
/// </summary>
internal static class V2FileHasher
{
    /// <summary>The pieces root, and the piece layer when the file is longer than one piece (null otherwise).</summary>
    public static (byte[] Root, byte[]? Layer) Hash(string path, long length, int pieceLength, CancellationToken ct)
    {
        var blocks = (int)((length + MerkleRoot.BlockSize - 1) / MerkleRoot.BlockSize);
        var leaves = new byte[blocks * MerkleRoot.HashLength];
        var buffer = new byte[MerkleRoot.BlockSize];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
            for (var b = 0; b < blocks; b++)
            {
                ct.ThrowIfCancellationRequested();
                var size = (int)Math.Min(MerkleRoot.BlockSize, length - (long)b * MerkleRoot.BlockSize);
                stream.ReadExactly(buffer, 0, size);
                SHA256.HashData(buffer.AsSpan(0, size), leaves.AsSpan(b * MerkleRoot.HashLength, MerkleRoot.HashLength));
            }
        if (length <= pieceLength)
            return (MerkleRoot.FromLeaves(leaves, MerkleRoot.PowerOfTwo(blocks)), null);

        var perPiece = pieceLength / MerkleRoot.BlockSize;
        var pieces = (blocks + perPiece - 1) / perPiece;
        var layer = new byte[pieces * MerkleRoot.HashLength];
        for (var p = 0; p < pieces; p++)
        {
            var first = p * perPiece * MerkleRoot.HashLength;
            var span = leaves.AsSpan(first, Math.Min(perPiece * MerkleRoot.HashLength, leaves.Length - first));
            MerkleRoot.FromLeaves(span, perPiece).CopyTo(layer, p * MerkleRoot.HashLength);
        }
        return (MerkleRoot.FromPieceLayer(layer, pieceLength), layer);
    }
}
