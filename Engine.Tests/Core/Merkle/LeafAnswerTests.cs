using System.Security.Cryptography;
using Engine.Core.Merkle;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Merkle;

/// <summary>
/// Answers to BEP 52 hash requests for the leaf layer (16 KiB block hashes): every valid range of random files is
/// checked node for node against the file's whole tree built from its leaves (padded with zero leaves), and one with
/// the whole proof leads to the pieces root; what cannot be answered is rejected.
/// </summary>
public class LeafAnswerTests
{
    private const int H = MerkleTree.HashLength;

    private sealed record TestFile(MerklePieces Pieces, byte[] Root, byte[] Leaves, int Width, List<byte[]> Levels);

    private static TestFile Make(int length, int pieceLength, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        var leaves = new byte[MerkleTree.Blocks(length) * H];
        MerkleTree.HashLeaves(data, leaves);
        var (root, layer) = MerkleTree.OfFile(data, pieceLength);
        var pieces = new MerklePieces([new MerkleFile(length, root, layer ?? ReadOnlyMemory<byte>.Empty)], pieceLength);
        var perPiece = MerkleTree.PieceWidth(length, pieceLength);
        var width = perPiece * (pieces.NeedsLayer(0) ? pieces.Tree(0)!.Width : 1);
        // The whole tree, read literally: the leaves padded with zero hashes to the width, each level hashing pairs.
        var level = new byte[width * H];
        leaves.CopyTo(level, 0);
        var levels = new List<byte[]> { level };
        for (var w = width; w > 1; w /= 2)
        {
            var next = new byte[w / 2 * H];
            for (var i = 0; i < w / 2; i++) SHA256.HashData(level.AsSpan(2 * i * H, 2 * H), next.AsSpan(i * H, H));
            levels.Add(level = next);
        }
        Assert.Equal(root, levels[^1]);
        return new TestFile(pieces, root, leaves, width, levels);
    }

    /// <summary>Plans, "reads" the planned pieces' leaves from the file's leaves as a shell would, and answers.</summary>
    private static byte[]? Answer(TestFile f, HashRange range)
    {
        var plan = LeafAnswer.Plan(f.Pieces, range);
        if (plan is null) return null;
        var read = new byte[plan.PieceCount * plan.LeavesPerPiece * H];
        for (var p = 0; p < plan.PieceCount; p++)
        {
            var from = (plan.FirstPiece + p) * plan.LeavesPerPiece * H;
            var n = Math.Max(0, Math.Min(plan.LeavesPerPiece * H, f.Leaves.Length - from));
            f.Leaves.AsSpan(from, n).CopyTo(read.AsSpan(p * plan.LeavesPerPiece * H));
        }
        return LeafAnswer.Answer(f.Pieces, range, plan, read);
    }

    [Theory]
    [InlineData(5 * 65536 - 100, 65536, 1)]       // 5 pieces of 4 leaves: a layer 8 wide, 32 leaves, 5 levels
    [InlineData(300_000, 16384, 2)]                // a piece per leaf: the leaf layer is the piece layer
    [InlineData(7 * 32768 + 1, 32768, 3)]          // a last piece of one byte
    [InlineData(50_000, 65536, 4)]                 // one piece, no layer: the tree is the file's 4 leaves
    [InlineData(3 * 16384, 262144, 5)]             // one piece of 3 leaves, padded to 4
    public void Every_aligned_range_answers_the_trees_own_nodes(int length, int pieceLength, int seed)
    {
        var f = Make(length, pieceLength, seed);
        var height = f.Levels.Count - 1;
        var realLeaves = MerkleTree.Blocks(length);
        var answered = 0;
        for (var span = 2; span <= f.Width; span *= 2)
            for (var index = 0; index < realLeaves; index += span)
                foreach (var count in new[] { span, Math.Min(span, realLeaves - index) }.Distinct())
                    for (var proof = 0; proof <= height; proof++)
                    {
                        var range = new HashRange(f.Root, 0, index, count, proof);
                        var answer = Answer(f, range);
                        Assert.NotNull(answer);
                        var subtree = System.Numerics.BitOperations.Log2((uint)Math.Max(2, MerkleTree.PowerOfTwo(count)));   // a cut-short range is proved as its own subtree
                        var uncles = Math.Max(0, Math.Min(proof - (subtree - 1), height - subtree));
                        Assert.Equal((count + uncles) * H, answer.Length);
                        Assert.Equal(f.Levels[0].AsSpan(index * H, count * H).ToArray(), answer.AsSpan(0, count * H).ToArray());
                        for (var k = 0; k < uncles; k++)
                        {
                            var level = subtree + k;
                            var sibling = (index >> level) ^ 1;
                            Assert.Equal(f.Levels[level].AsSpan(sibling * H, H).ToArray(), answer.AsSpan((count + k) * H, H).ToArray());
                        }
                        answered++;
                    }
        Assert.True(answered > 5, $"only {answered} ranges");
    }

    [Fact]
    public void A_pair_with_the_whole_proof_leads_to_the_pieces_root()
    {
        var f = Make(5 * 65536 - 100, 65536, 7);
        var range = new HashRange(f.Root, 0, 10, 2, 4);               // leaves 10, 11 (in piece 2), 4 uncles up to the root
        var answer = Answer(f, range)!;
        var node = SHA256.HashData(answer.AsSpan(0, 2 * H));
        var position = 10 / 2;
        for (var k = 0; k < 4; k++)
        {
            var uncle = answer.AsSpan((2 + k) * H, H).ToArray();
            node = ((position >> k) & 1) == 0 ? SHA256.HashData([.. node, .. uncle]) : SHA256.HashData([.. uncle, .. node]);
        }
        Assert.Equal(f.Root, node);
    }

    [Fact]
    public void Only_the_pieces_the_range_lies_in_are_read()
    {
        var f = Make(5 * 65536 - 100, 65536, 8);
        Assert.Equal(new LeafAnswer.LeafPlan(0, 2, 1, 4), LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 10, 2, 4)));
        Assert.Equal(new LeafAnswer.LeafPlan(0, 0, 4, 4), LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 0, 16, 0)));
        Assert.Equal(new LeafAnswer.LeafPlan(0, 4, 1, 4), LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 16, 4, 0)));  // the last piece, a pad leaf with it
        Assert.Equal(new LeafAnswer.LeafPlan(0, 4, 1, 4), LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 16, 16, 0))); // into the pad pieces: zero leaves
    }

    [Fact]
    public void What_is_out_of_range_or_misshapen_is_rejected()
    {
        var f = Make(5 * 65536 - 100, 65536, 9);                      // 20 leaves (the last piece's last one a pad), 32 wide, height 5
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(new byte[32], 0, 0, 2, 0)));    // unknown root
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 2, 0, 2, 0)));          // the piece layer: HashAnswer's
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 2, 4, 0)));          // index not a multiple of the length
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 4, 3, 0)));          // not a power of two, not cut by the end
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 20, 2, 0)));         // past the file's last piece
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 0, 64, 0)));         // wider than the tree
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 0, 2, 6)));          // more proof layers than the tree has
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, 0, 0, 0)));
        Assert.Null(LeafAnswer.Plan(f.Pieces, new HashRange(f.Root, 0, -2, 2, 0)));
        var unknownLayer = new MerklePieces([f.Pieces.File(0) with { Layer = ReadOnlyMemory<byte>.Empty }], 65536);
        Assert.Null(LeafAnswer.Plan(unknownLayer, new HashRange(f.Root, 0, 0, 2, 0)));      // the layer is not known: no tree above the pieces
    }
}
