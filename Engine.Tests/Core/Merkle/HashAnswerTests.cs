using System.Security.Cryptography;
using Engine.Core.Merkle;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Merkle;

/// <summary>Answers to BEP 52 hash requests for piece-layer hashes: checked by rebuilding the pieces root from them.</summary>
public class HashAnswerTests
{
    private const int Piece = 4 * MerkleTree.BlockSize;
    private const int PieceLayer = 2;                    // 4 leaves under each piece

    private static (MerklePieces Pieces, byte[] Root, byte[] Layer) File(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        var (root, layer) = MerkleTree.OfFile(data, Piece);
        return (new MerklePieces([new MerkleFile(length, root, layer ?? ReadOnlyMemory<byte>.Empty)], Piece), root, layer ?? []);
    }

    private static HashRange Range(byte[] root, int index, int length, int proof, int baseLayer = PieceLayer) => new(root, baseLayer, index, length, proof);

    /// <summary>The root from an answer: the base hashes (padded to their aligned subtree), then each uncle on the way up.</summary>
    private static byte[] RootFrom(byte[] answer, HashRange range, int uncles)
    {
        var span = Math.Max(2, MerkleTree.PowerOfTwo(range.Length));
        var node = new byte[32];
        MerkleTree.Root(answer.AsSpan(0, range.Length * 32), span, MerkleTree.PadHash(Piece), node);
        var position = range.Index / span;
        for (var k = 0; k < uncles; k++)
        {
            var uncle = answer.AsSpan((range.Length + k) * 32, 32).ToArray();
            node = ((position >> k) & 1) == 0 ? SHA256.HashData([.. node, .. uncle]) : SHA256.HashData([.. uncle, .. node]);
        }
        Assert.Equal((range.Length + uncles) * 32, answer.Length);
        return node;
    }

    [Fact]
    public void The_whole_padded_layer_needs_no_proof_and_hashes_to_the_root()
    {
        var (pieces, root, layer) = File(5 * Piece - 100);          // 5 pieces: a layer 8 wide, 3 levels up to the root
        var answer = HashAnswer.Answer(pieces, Range(root, 0, 8, 2))!;
        Assert.Equal(layer, answer.AsSpan(0, 5 * 32).ToArray());
        Assert.Equal(MerkleTree.PadHash(Piece), answer.AsSpan(5 * 32, 32).ToArray());
        Assert.Equal(root, RootFrom(answer, Range(root, 0, 8, 2), 0));
        Assert.Equal((2 + 1) * 32, HashAnswer.Answer(pieces, Range(root, 6, 2, 1))!.Length);   // one proof layer asked: one uncle
        Assert.Equal((4 + 0) * 32, HashAnswer.Answer(pieces, Range(root, 4, 4, 1))!.Length);   // the first log2(4)-1 = 1 layer omitted
    }

    [Theory]
    [InlineData(0, 2, 3, 2)]     // the first pair, proof up to the root: uncles at levels 1 and 2
    [InlineData(4, 4, 3, 1)]     // the second half: one uncle
    [InlineData(6, 2, 2, 2)]     // a pair: no proof layer omitted (log2(2)-1 = 0), two uncles
    [InlineData(4, 1, 3, 2)]     // cut short by the end of the file's 5 pieces: allowed, proved as the pair (4, 5)
    [InlineData(4, 3, 3, 1)]     // 3 hashes (pieces 4..6, the last two pads) in the subtree of 4
    public void A_range_with_its_uncles_leads_to_the_pieces_root(int index, int length, int proof, int uncles)
    {
        var (pieces, root, _) = File(5 * Piece - 100);
        var range = Range(root, index, length, proof);
        var answer = HashAnswer.Answer(pieces, range);
        Assert.NotNull(answer);
        Assert.Equal(root, RootFrom(answer, range, uncles));
    }

    [Fact]
    public void Every_aligned_range_of_random_files_proves_its_hashes()
    {
        var rng = new Random(52);
        for (var run = 0; run < 20; run++)
        {
            var (pieces, root, _) = File(rng.Next(Piece + 1, 40 * Piece), run);
            var tree = pieces.Tree(0)!;
            for (var length = 2; length <= tree.Width; length *= 2)
                for (var index = 0; index < tree.Width; index += length)
                {
                    var subtree = System.Numerics.BitOperations.Log2((uint)length);
                    var range = Range(root, index, length, tree.Height);
                    Assert.Equal(root, RootFrom(HashAnswer.Answer(pieces, range)!, range, tree.Height - subtree));
                }
        }
    }

    [Theory]
    [InlineData(0, 2, 0, 0)]      // the leaf layer: not served (it needs the data)
    [InlineData(PieceLayer, 0, 0, 0)]
    [InlineData(PieceLayer, 1, 0, 0)]      // not the end of the file
    [InlineData(PieceLayer, 3, 0, 0)]      // not a power of two, not cut by the end
    [InlineData(PieceLayer, 1024, 0, 0)]   // more than 512
    [InlineData(PieceLayer, 2, 1, 0)]      // index not a multiple of the length
    [InlineData(PieceLayer, 4, 8, 0)]      // past the padded layer
    [InlineData(PieceLayer, 16, 0, 0)]     // wider than the padded layer
    [InlineData(PieceLayer, 2, -2, 0)]     // 2^31 or more on the wire
    [InlineData(PieceLayer, 2, 0, 4)]      // more proof layers than the tree has
    [InlineData(PieceLayer, 2, 0, -1)]
    public void Requests_out_of_range_or_of_another_layer_are_rejected(int baseLayer, int length, int index, int proof)
    {
        var (pieces, root, _) = File(5 * Piece - 100);
        Assert.Null(HashAnswer.Answer(pieces, Range(root, index, length, proof, baseLayer)));
    }

    [Fact]
    public void An_unknown_root_or_a_file_without_a_layer_is_rejected()
    {
        var (pieces, _, _) = File(5 * Piece);
        Assert.Null(HashAnswer.Answer(pieces, Range(new byte[32], 0, 2, 0)));
        var (small, smallRoot, _) = File(100);
        Assert.Null(HashAnswer.Answer(small, Range(smallRoot, 0, 2, 0)));
        var (big, bigRoot, _) = File(3 * Piece);
        var unknown = new MerklePieces([new MerkleFile(3 * Piece, bigRoot, ReadOnlyMemory<byte>.Empty)], Piece);
        Assert.Null(HashAnswer.Answer(unknown, Range(bigRoot, 0, 2, 0)));
        Assert.NotNull(HashAnswer.Answer(big, Range(bigRoot, 0, 2, 0)));
    }
}
