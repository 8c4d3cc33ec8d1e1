using System.Security.Cryptography;

namespace Engine.Core.Merkle;

/// <summary>
/// The upper part of one file's merkle tree, from its piece layer (padded with <see cref="MerkleTree.PadHash"/> to a
/// power of two) up to the pieces root: what a <c>hash request</c> for piece-layer hashes and their proof is answered
/// from. Immutable once built.
/// </summary>
internal sealed class LayerTree
{
    private readonly byte[][] _levels; // [0]: the padded piece layer; each next one half as wide; the last: the root

    public LayerTree(ReadOnlySpan<byte> layer, int pieceLength)
    {
        var count = layer.Length / MerkleTree.HashLength;
        var width = MerkleTree.PowerOfTwo(count);
        var levels = new List<byte[]>();
        var level = new byte[width * MerkleTree.HashLength];
        layer.CopyTo(level);
        var pad = MerkleTree.PadHash(pieceLength);
        for (var i = count; i < width; i++) pad.CopyTo(level, i * MerkleTree.HashLength);
        levels.Add(level);
        while (width > 1)
        {
            width /= 2;
            var next = new byte[width * MerkleTree.HashLength];
            for (var i = 0; i < width; i++)
                SHA256.HashData(level.AsSpan(i * 2 * MerkleTree.HashLength, 2 * MerkleTree.HashLength), next.AsSpan(i * MerkleTree.HashLength, MerkleTree.HashLength));
            levels.Add(next);
            level = next;
        }
        _levels = [.. levels];
    }

    /// <summary>Levels above the piece layer up to the root (0 for a one-piece layer).</summary>
    public int Height => _levels.Length - 1;

    /// <summary>Nodes in the padded piece layer (a power of two).</summary>
    public int Width => _levels[0].Length / MerkleTree.HashLength;

    public ReadOnlySpan<byte> Root => _levels[^1];

    /// <summary>Node <paramref name="index"/> of level <paramref name="level"/> (0: the piece layer).</summary>
    public ReadOnlySpan<byte> Node(int level, int index) => _levels[level].AsSpan(index * MerkleTree.HashLength, MerkleTree.HashLength);
}
