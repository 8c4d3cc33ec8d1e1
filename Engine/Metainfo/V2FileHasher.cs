using System.Security.Cryptography;
using Engine.Core.Merkle;

namespace Engine.Metainfo;

/// <summary>
/// BEP 52 hashes of one file for <see cref="TorrentCreator"/>: SHA-256 of every 16 KiB block (the last one as long as
/// it is) read from disk, then the piece layer and the file's <c>pieces root</c> (<see cref="MerkleTree.OfLeaves"/>).
/// </summary>
internal static class V2FileHasher
{
    /// <summary>The pieces root, and the piece layer when the file is longer than one piece (null otherwise).</summary>
    public static (byte[] Root, byte[]? Layer) Hash(string path, long length, int pieceLength, CancellationToken ct)
    {
        var blocks = MerkleTree.Blocks(length);
        var leaves = new byte[blocks * MerkleTree.HashLength];
        var buffer = new byte[MerkleTree.BlockSize];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
            for (var b = 0; b < blocks; b++)
            {
                ct.ThrowIfCancellationRequested();
                var size = (int)Math.Min(MerkleTree.BlockSize, length - (long)b * MerkleTree.BlockSize);
                stream.ReadExactly(buffer, 0, size);
                SHA256.HashData(buffer.AsSpan(0, size), leaves.AsSpan(b * MerkleTree.HashLength, MerkleTree.HashLength));
            }
        return MerkleTree.OfLeaves(leaves, length, pieceLength);
    }
}
