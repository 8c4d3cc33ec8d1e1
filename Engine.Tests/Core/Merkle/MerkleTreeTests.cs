using System.Security.Cryptography;
using Engine.Core.Merkle;

namespace Engine.Tests.Core.Merkle;

/// <summary>BEP 52 merkle arithmetic, checked by hand on small trees and against a naive whole-tree reference.</summary>
public class MerkleTreeTests
{
    private const int Block = MerkleTree.BlockSize;

    private static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>The spec read literally: every 16 KiB block's hash as a leaf, zero leaves to a power of two, pairs hashed up.</summary>
    private static byte[] NaiveRoot(byte[] data)
    {
        var leaves = new List<byte[]>();
        for (var i = 0; i < data.Length; i += Block) leaves.Add(SHA256.HashData(data.AsSpan(i, Math.Min(Block, data.Length - i))));
        while ((leaves.Count & (leaves.Count - 1)) != 0) leaves.Add(new byte[32]);
        while (leaves.Count > 1) leaves = Enumerable.Range(0, leaves.Count / 2).Select(i => H(leaves[2 * i], leaves[2 * i + 1])).ToList();
        return leaves[0];
    }

    [Fact]
    public void A_file_of_one_block_or_less_has_the_sha256_of_its_bytes_as_root()
    {
        var data = Bytes(100, 1);
        Assert.Equal(SHA256.HashData(data), MerkleTree.OfFile(data, 64 * 1024).Root);
        Assert.Null(MerkleTree.OfFile(data, 64 * 1024).Layer);
        var full = Bytes(Block, 2);
        Assert.Equal(SHA256.HashData(full), MerkleTree.OfFile(full, Block).Root);
    }

    [Fact]
    public void Three_blocks_are_padded_with_a_zero_leaf_to_four()
    {
        var data = Bytes(2 * Block + 5, 3);
        var l = Enumerable.Range(0, 3).Select(i => SHA256.HashData(data.AsSpan(i * Block, Math.Min(Block, data.Length - i * Block)))).ToArray();
        var expected = H(H(l[0], l[1]), H(l[2], new byte[32]));
        Assert.Equal(expected, MerkleTree.OfFile(data, 64 * 1024).Root);
    }

    [Fact]
    public void Pad_hashes_are_the_roots_of_all_zero_leaves()
    {
        Assert.Equal(new byte[32], MerkleTree.PadHash(Block));
        Assert.Equal(H(new byte[64]), MerkleTree.PadHash(2 * Block));
        Assert.Equal(H(H(new byte[64]), H(new byte[64])), MerkleTree.PadHash(4 * Block));
    }

    [Fact]
    public void A_piece_layer_holds_each_pieces_subtree_root_with_zero_leaves_after_the_end_of_the_file()
    {
        var data = Bytes(2 * Block + 7, 4);          // pieces of 2 blocks: a full one, then one of a short block and a zero leaf
        var (root, layer) = MerkleTree.OfFile(data, 2 * Block);
        var l = Enumerable.Range(0, 3).Select(i => SHA256.HashData(data.AsSpan(i * Block, Math.Min(Block, data.Length - i * Block)))).ToArray();
        Assert.Equal(H(l[0], l[1]).Concat(H(l[2], new byte[32])), layer!);
        Assert.Equal(NaiveRoot(data), root);
    }

    [Fact]
    public void The_root_through_the_piece_layer_is_the_root_of_the_whole_tree_for_any_length_and_piece_size()
    {
        var rng = new Random(52);
        for (var run = 0; run < 200; run++)
        {
            var pieceLength = Block << rng.Next(0, 4);
            var length = rng.Next(1, 20 * Block);
            var data = Bytes(length, run);
            var (root, layer) = MerkleTree.OfFile(data, pieceLength);
            Assert.Equal(NaiveRoot(data), root);
            Assert.Equal(length > pieceLength, layer is not null);
            if (layer is not null) Assert.Equal(root, MerkleTree.FromPieceLayer(layer, pieceLength));
        }
    }

    [Fact]
    public void Leaves_are_the_hashes_of_16_KiB_blocks_and_a_too_short_output_is_refused()
    {
        var data = Bytes(Block + 1, 6);
        var leaves = new byte[64];
        MerkleTree.HashLeaves(data, leaves);
        Assert.Equal(SHA256.HashData(data.AsSpan(0, Block)).Concat(SHA256.HashData(data.AsSpan(Block))), leaves);
        Assert.Throws<ArgumentException>(() => MerkleTree.HashLeaves(data, new byte[32]));
    }

    [Theory]
    [InlineData(3, 2)]   // more nodes than the width
    [InlineData(2, 3)]   // not a power of two
    [InlineData(0, 0)]
    public void A_width_that_cannot_hold_the_nodes_as_a_power_of_two_is_refused(int nodes, int width) =>
        Assert.Throws<ArgumentException>(() => MerkleTree.FromLeaves(new byte[nodes * 32], width));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(4, 4)]
    [InlineData(1025, 2048)]
    public void Powers_of_two_round_up(int count, int expected) => Assert.Equal(expected, MerkleTree.PowerOfTwo(count));

    [Theory]
    [InlineData(100, 1 << 20, 1)]
    [InlineData(3 * Block, 1 << 20, 4)]
    [InlineData((1 << 20) + 1, 1 << 20, 64)]
    public void A_piece_is_checked_over_its_whole_width_unless_the_file_fits_in_one(long fileLength, int pieceLength, int width) =>
        Assert.Equal(width, MerkleTree.PieceWidth(fileLength, pieceLength));
}
