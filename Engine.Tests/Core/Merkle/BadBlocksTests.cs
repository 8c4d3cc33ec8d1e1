using System.Net;
using Engine.Core.Merkle;
using Engine.Core.Pieces;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Merkle;

/// <summary>
/// A failed v2 piece pinned to its bad blocks: the leaf request, the answer proved against the piece's hash, each block's
/// digest compared with its leaf, the senders of bad blocks guilty and the others cleared, and whom to ask.
/// </summary>
public class BadBlocksTests
{
    private const int Block = MerkleTree.BlockSize;
    private const int Piece = 4 * Block;

    private static readonly IPEndPoint Liar = new(IPAddress.Parse("10.0.0.1"), 6881);
    private static readonly IPEndPoint Honest = new(IPAddress.Parse("10.0.0.2"), 6881);
    private static readonly IPEndPoint Other = new(IPAddress.Parse("10.0.0.3"), 6881);

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A file of 3 pieces and 1000 bytes (its last piece one block of data), one of 700 bytes, one of 2.5 blocks (a piece 4 leaves wide).</summary>
    private static readonly byte[][] Files = [Bytes(3 * Piece + 1000, 1), Bytes(700, 2), Bytes(2 * Block + Block / 2, 3)];

    private static MerklePieces Pieces(bool withLayers = true) => new(Files.Select(f =>
    {
        var (root, layer) = MerkleTree.OfFile(f, Piece);
        return new MerkleFile(f.Length, root, withLayers && layer is not null ? layer : ReadOnlyMemory<byte>.Empty);
    }).ToList(), Piece);

    /// <summary>The file bytes of global piece <paramref name="piece"/>.</summary>
    private static byte[] DataOf(MerklePieces pieces, int piece)
    {
        var (file, index) = pieces.Locate(piece);
        return Files[file].AsSpan(index * Piece, pieces.DataLength(piece)).ToArray();
    }

    private static byte[] LeavesOf(byte[] data)
    {
        var leaves = new byte[MerkleTree.Blocks(data.Length) * MerkleTree.HashLength];
        MerkleTree.HashLeaves(data, leaves);
        return leaves;
    }

    /// <summary>One digest per block of a piece of <paramref name="blocks"/> blocks, as storage reads them back: file bytes only, padding blocks of nothing.</summary>
    private static UInt128[] DigestsOf(byte[] data, int blocks) =>
        Enumerable.Range(0, blocks).Select(b => BlockDigest.Of(data.AsSpan(Math.Min(b * Block, data.Length), Math.Clamp(data.Length - b * Block, 0, Block)))).ToArray();

    [Fact]
    public void The_leaf_request_asks_for_one_leaf_per_block_of_data_with_no_proof()
    {
        var pieces = Pieces();
        var rootA = pieces.File(0).PiecesRoot.ToArray();
        Assert.Equal(new HashRange(rootA, 0, 0, 4, 0), BadBlocks.Request(pieces, 0));
        Assert.Equal(new HashRange(rootA, 0, 8, 4, 0), BadBlocks.Request(pieces, 2));
        Assert.Null(BadBlocks.Request(pieces, 3));                         // 1000 bytes: one block of data, nothing to ask
        Assert.Null(BadBlocks.Request(pieces, 4));                         // the 700-byte file
        Assert.Equal(new HashRange(pieces.File(2).PiecesRoot.ToArray(), 0, 0, 3, 0), BadBlocks.Request(pieces, 5)); // cut short by the file's end
        Assert.Equal([4, 4, 4, 1, 1, 3], Enumerable.Range(0, pieces.PieceCount).Select(p => BadBlocks.DataBlocks(pieces, p)));
    }

    [Fact]
    public void Without_the_piece_layer_nothing_is_asked()
    {
        var pieces = Pieces(withLayers: false);
        Assert.Null(BadBlocks.Request(pieces, 1));
        Assert.NotNull(BadBlocks.Request(pieces, 5));                      // a file of one piece is checked against its root
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Leaves_that_lead_to_the_pieces_hash_are_proven_and_our_own_answer_is_such(int piece)
    {
        var pieces = Pieces();
        var range = BadBlocks.Request(pieces, piece)!;
        var leaves = LeavesOf(DataOf(pieces, piece));
        Assert.Equal(leaves, BadBlocks.Proven(pieces, piece, range, new Hashes(range, leaves)));
        var plan = LeafAnswer.Plan(pieces, range)!;                         // what we answer a peer that asks the same
        Assert.Equal(leaves, BadBlocks.Proven(pieces, piece, range, new Hashes(range, LeafAnswer.Answer(pieces, range, plan, leaves))));
    }

    [Fact]
    public void Leaves_that_do_not_prove_or_answer_something_else_are_refused()
    {
        var pieces = Pieces();
        var range = BadBlocks.Request(pieces, 1)!;
        var leaves = LeavesOf(DataOf(pieces, 1));
        var forged = (byte[])leaves.Clone();
        forged[40] ^= 1;
        Assert.Null(BadBlocks.Proven(pieces, 1, range, new Hashes(range, forged)));
        Assert.Null(BadBlocks.Proven(pieces, 1, range, new Hashes(range, LeavesOf(DataOf(pieces, 0)))));   // another piece's leaves
        Assert.Null(BadBlocks.Proven(pieces, 1, range, new Hashes(range, leaves[..96])));                   // too few
        Assert.Null(BadBlocks.Proven(pieces, 1, range, new Hashes(range, [.. leaves, .. new byte[32]])));  // an uncle not asked for
        Assert.Null(BadBlocks.Proven(pieces, 1, range, new Hashes(range with { Index = 0 }, leaves)));      // not our range
        Assert.Null(BadBlocks.Proven(pieces, 1, range, new Hashes(range with { ProofLayers = 1 }, leaves)));
    }

    [Fact]
    public void The_sender_of_a_bad_block_is_guilty_and_a_sender_of_good_ones_cleared()
    {
        var pieces = Pieces();
        var data = DataOf(pieces, 1);
        var digests = DigestsOf(data, 4);
        digests[2] ^= 1;                                                  // block 2 was written wrong
        var blame = BadBlocks.Judge(LeavesOf(data), digests, [Honest, Honest, Liar, Honest]);
        Assert.True(blame.Found);
        Assert.Equal([2], blame.Bad);
        Assert.Equal([Liar], blame.Guilty);
        Assert.Equal([Honest], blame.Cleared);
    }

    [Fact]
    public void A_peer_that_sent_good_and_bad_blocks_is_guilty_not_cleared_and_every_liar_is_named()
    {
        var pieces = Pieces();
        var data = DataOf(pieces, 0);
        var digests = DigestsOf(data, 4);
        digests[0] ^= 1;
        digests[3] ^= 1;
        var blame = BadBlocks.Judge(LeavesOf(data), digests, [Liar, Liar, Honest, Other]);
        Assert.Equal([0, 3], blame.Bad);
        Assert.Equal([Liar, Other], blame.Guilty);
        Assert.Equal([Honest], blame.Cleared);
    }

    [Fact]
    public void A_bad_block_of_unknown_origin_is_fetched_again_and_blames_nobody()
    {
        var pieces = Pieces();
        var data = DataOf(pieces, 1);
        var digests = DigestsOf(data, 4);
        digests[1] ^= 1;
        var blame = BadBlocks.Judge(LeavesOf(data), digests, [Honest, null, Honest, Honest]);
        Assert.Equal([1], blame.Bad);
        Assert.Empty(blame.Guilty);
        Assert.Equal([Honest], blame.Cleared);
    }

    [Fact]
    public void Blocks_that_all_match_their_leaves_explain_nothing()
    {
        var pieces = Pieces();
        var data = DataOf(pieces, 2);
        var blame = BadBlocks.Judge(LeavesOf(data), DigestsOf(data, 4), [Liar, Honest, Liar, Honest]);
        Assert.False(blame.Found);
        Assert.Same(BlockBlame<IPEndPoint>.None, blame);
    }

    [Fact]
    public void Padding_blocks_after_the_data_are_never_bad()
    {
        var pieces = Pieces();
        var data = DataOf(pieces, 5);                                     // 3 blocks of data in a piece of 4
        var digests = DigestsOf(data, 4);
        digests[3] ^= 1;                                                  // whatever a peer sent as padding is not hashed
        Assert.False(BadBlocks.Judge(LeavesOf(data), digests, [Honest, Honest, Honest, Liar]).Found);
        digests[1] ^= 1;
        var blame = BadBlocks.Judge(LeavesOf(data), digests, [Honest, Liar, Honest, Liar]);
        Assert.Equal([1], blame.Bad);
        Assert.Equal([Liar], blame.Guilty);
    }

    [Fact]
    public void A_piece_with_one_block_of_data_that_failed_pins_that_block_without_leaves()
    {
        var blame = BadBlocks.Judge<IPEndPoint>([], new UInt128[4], [Liar, Honest, null, Honest]);  // blocks 1..3 are padding
        Assert.Equal([0], blame.Bad);
        Assert.Equal([Liar], blame.Guilty);
        Assert.Empty(blame.Cleared);
    }

    [Fact]
    public void Judge_refuses_inputs_that_do_not_fit_together()
    {
        var leaves = new byte[4 * MerkleTree.HashLength];
        Assert.Throws<ArgumentException>(() => BadBlocks.Judge<IPEndPoint>(leaves, new UInt128[4], [Liar, Liar, Liar]));
        Assert.Throws<ArgumentException>(() => BadBlocks.Judge<IPEndPoint>(leaves.AsSpan(0, 33), new UInt128[4], [Liar, Liar, Liar, Liar]));
        Assert.Throws<ArgumentException>(() => BadBlocks.Judge<IPEndPoint>(leaves, new UInt128[2], [Liar, Liar]));
    }

    [Fact]
    public void A_peer_that_sent_none_of_the_piece_is_asked_first_then_the_contributors_then_nobody()
    {
        IPEndPoint?[] senders = [Liar, Honest, Liar, null];
        List<IPEndPoint> asked = [];
        IPEndPoint[] candidates = [Liar, Honest, Other];
        Assert.Equal(Other, BadBlocks.NextToAsk(candidates, senders, asked));
        asked.Add(Other);
        Assert.Equal(Liar, BadBlocks.NextToAsk(candidates, senders, asked)); // any v2 peer: its answer must prove anyway
        asked.Add(Liar);
        Assert.Equal(Honest, BadBlocks.NextToAsk(candidates, senders, asked));
        asked.Add(Honest);
        Assert.Null(BadBlocks.NextToAsk(candidates, senders, asked));
        Assert.Null(BadBlocks.NextToAsk([], senders, []));
    }
}
