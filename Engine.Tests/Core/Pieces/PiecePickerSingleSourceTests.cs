using Engine.Core.Pieces;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Pieces;

/// <summary>After a hash failure a piece is fetched from one peer while that peer serves it (smart ban's sole-source rule needs it).</summary>
public sealed class PiecePickerSingleSourceTests
{
    private const int Block = TorrentLayout.BlockSize;
    private static readonly TorrentLayout Layout = new(4L * 4 * Block, 4 * Block); // 4 pieces of 4 blocks

    private static Bitfield All()
    {
        var field = new Bitfield(Layout.PieceCount);
        field.SetAll();
        return field;
    }

    private static Bitfield Only0()
    {
        var field = new Bitfield(Layout.PieceCount);
        field[0] = true;
        return field;
    }

    private static BlockRequest[] Pick(PiecePicker picker, int peer, int max, Bitfield? has = null)
    {
        var buffer = new BlockRequest[max];
        var n = picker.Pick(peer, has ?? Only0(), buffer);
        picker.CheckInvariants();
        return buffer[..n];
    }

    private static PiecePicker FailedPiece0(out int[] peers)
    {
        var picker = new PiecePicker(Layout, new Bitfield(Layout.PieceCount), new Random(3), randomFirstPieces: 0);
        peers = [1, 2];
        foreach (var p in peers) picker.PeerAdded(p, Only0());
        // Piece 0 arrives from two peers and fails.
        for (var b = 0; b < 4; b++)
        {
            var block = Layout.Block(0, b);
            picker.BlockReceived(1 + b % 2, block);
        }
        picker.PieceFailed(0);
        picker.PreferSingleSource(0);
        return picker;
    }

    [Fact]
    public void A_failed_piece_is_given_to_the_first_peer_that_claims_it_and_no_other_gets_its_free_blocks()
    {
        var picker = FailedPiece0(out _);
        Assert.Equal(2, Pick(picker, 1, 2).Length);
        Assert.Empty(Pick(picker, 2, 16));
        Assert.Equal(2, Pick(picker, 1, 16).Length); // the owner gets the rest
        Assert.Equal(1, picker.SingleSourcePieces);
    }

    [Fact]
    public void The_owner_giving_its_blocks_back_or_leaving_lets_another_peer_take_the_piece()
    {
        var picker = FailedPiece0(out _);
        var owned = Pick(picker, 1, 3);
        Assert.Equal(3, owned.Length);
        picker.Release(1, owned[0]);
        Assert.Contains(owned[0], Pick(picker, 2, 16)); // the block given back, to another peer

        picker.PeerAdded(3, Only0());
        picker.PeerRemoved(2);
        picker.PeerRemoved(1);
        Assert.Equal(4, Pick(picker, 3, 16).Length);
    }

    [Fact]
    public void Verifying_the_piece_ends_the_preference()
    {
        var picker = FailedPiece0(out _);
        foreach (var b in Pick(picker, 1, 16)) picker.BlockReceived(1, b);
        picker.PieceVerified(0);
        Assert.Equal(0, picker.SingleSourcePieces);
    }

    [Fact]
    public void A_lost_piece_is_missing_again_and_its_blocks_are_wanted()
    {
        var picker = new PiecePicker(Layout, All(), new Random(1));
        Assert.True(picker.IsComplete);
        picker.PeerAdded(1, All());
        picker.PieceLost(2);
        picker.CheckInvariants();
        Assert.False(picker.IsComplete);
        Assert.False(picker.Have[2]);
        var blocks = Pick(picker, 1, 16, All());
        Assert.Equal(4, blocks.Length);
        Assert.All(blocks, b => Assert.Equal(2, b.Piece));
    }
}
