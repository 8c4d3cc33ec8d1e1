using Engine.Core.Pieces;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Pieces;

/// <summary>Sequential mode and the streaming window.</summary>
public class PiecePickerSequenceTests
{
    private const int Block = TorrentLayout.BlockSize;
    private static readonly TorrentLayout Layout = new(20L * 2 * Block, 2 * Block); // 20 pieces of 2 blocks

    private static Bitfield All()
    {
        var field = new Bitfield(Layout.PieceCount);
        field.SetAll();
        return field;
    }

    private static PiecePicker NewPicker(int seed = 3) => new(Layout, new Bitfield(Layout.PieceCount), new Random(seed), randomFirstPieces: 4);

    private static int[] Pieces(PiecePicker picker, int peer, int blocks)
    {
        var buffer = new BlockRequest[blocks];
        var n = picker.Pick(peer, All(), buffer);
        picker.CheckInvariants();
        return buffer[..n].Select(b => b.Piece).Distinct().ToArray();
    }

    [Fact]
    public void Sequential_mode_starts_pieces_in_index_order_even_among_the_first_ones()
    {
        var picker = NewPicker();
        picker.Sequential = true;
        picker.PeerAdded(0, All());
        Assert.Equal([0, 1, 2, 3], Pieces(picker, 0, 8));
        Assert.Equal([4, 5], Pieces(picker, 0, 4));
    }

    [Fact]
    public void Sequential_mode_still_puts_higher_levels_first()
    {
        var picker = NewPicker();
        picker.Sequential = true;
        picker.SetPriority(15, PiecePriorities.High);
        picker.SetPriority(0, PiecePriorities.Skip);
        picker.PeerAdded(0, All());
        Assert.Equal([15, 1], Pieces(picker, 0, 4));
    }

    [Fact]
    public void The_window_comes_first_in_order_and_the_rest_stays_rarest_first()
    {
        var picker = new PiecePicker(Layout, new Bitfield(Layout.PieceCount), new Random(5), randomFirstPieces: 0);
        picker.PeerAdded(0, All());
        var rare = new Bitfield(Layout.PieceCount);
        for (var i = 0; i < 20; i++) rare[i] = i != 17;
        picker.PeerAdded(1, rare);
        picker.SetWindow(10, 3);
        Assert.Equal([10, 11, 12, 17], Pieces(picker, 0, 8));
    }

    [Fact]
    public void The_window_skips_pieces_we_have_and_pieces_not_wanted_and_can_be_cleared()
    {
        var have = new Bitfield(Layout.PieceCount);
        have[5] = true;
        var picker = new PiecePicker(Layout, have, new Random(5), randomFirstPieces: 0) { Sequential = true };
        picker.SetPriority(6, PiecePriorities.Skip);
        picker.PeerAdded(0, All());
        picker.SetWindow(5, 4);
        Assert.Equal([7, 8], Pieces(picker, 0, 4));
        picker.SetWindow(0, 0);
        Assert.Equal((-1, -1), picker.Window);
        Assert.Equal([0], Pieces(picker, 0, 2));
    }

    [Fact]
    public void A_window_reaching_past_the_end_stops_at_the_last_piece()
    {
        var picker = NewPicker();
        picker.SetWindow(18, 10);
        Assert.Equal((18, 20), picker.Window);
        Assert.Throws<ArgumentOutOfRangeException>(() => picker.SetWindow(20, 1));
    }

    [Fact]
    public void A_random_swarm_with_a_moving_window_keeps_every_invariant_and_completes()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            var picker = new PiecePicker(Layout, new Bitfield(Layout.PieceCount), new Random(seed), random.Next(0, 5)) { Sequential = random.Next(2) == 0 };
            picker.PeerAdded(0, All());
            var inTransit = new List<BlockRequest>();
            for (var step = 0; !picker.IsComplete; step++)
            {
                Assert.True(step < 20_000, $"seed {seed}: stalled");
                switch (random.Next(6))
                {
                    case 0:
                        picker.SetWindow(random.Next(Layout.PieceCount), random.Next(0, 5));
                        break;
                    case 1 or 2:
                        var buffer = new BlockRequest[random.Next(1, 6)];
                        var n = picker.Pick(0, All(), buffer);
                        inTransit.AddRange(buffer[..n]);
                        break;
                    default:
                        if (inTransit.Count == 0) break;
                        var i = random.Next(inTransit.Count);
                        var block = inTransit[i];
                        inTransit.RemoveAt(i);
                        if (picker.BlockReceived(0, block).PieceComplete) picker.PieceVerified(block.Piece);
                        break;
                }
                picker.CheckInvariants();
            }
        }
    }

    [Fact]
    public void Several_readers_windows_come_first_the_one_that_moved_last_first_each_in_index_order()
    {
        var picker = new PiecePicker(Layout, new Bitfield(Layout.PieceCount), new Random(5), randomFirstPieces: 0);
        picker.PeerAdded(0, All());
        picker.SetWindows([(17, 2), (3, 2)]); // a player's reader at the end (its index) moved last, the one at the start before
        Assert.Equal((17, 19), picker.Window);
        Assert.Equal([(17, 19), (3, 5)], picker.Windows);
        Assert.Equal([17, 18, 3, 4], Pieces(picker, 0, 8));
        picker.SetWindows([]);
        Assert.Equal((-1, -1), picker.Window);
        Assert.Throws<ArgumentOutOfRangeException>(() => picker.SetWindows([(2, 0)]));
    }

    [Fact]
    public void A_window_that_jumps_takes_back_the_peers_other_claims_and_the_peer_refills_with_the_window_first()
    {
        var picker = NewPicker();
        picker.Sequential = true;
        picker.PeerAdded(0, All());
        var first = new BlockRequest[16];
        Assert.Equal(16, picker.Pick(0, All(), first)); // pieces 0 to 7: the peer will serve them first
        Assert.True(picker.Jumps([(18, 2)]));
        picker.SetWindows([(18, 2)]);
        Assert.False(picker.Jumps([(19, 2)])); // a reader moving on within its window is no jump

        var released = new BlockRequest[64];
        var n = picker.ReleaseForWindows(0, released);
        picker.CheckInvariants();

        Assert.Equal(16, n); // everything ahead of the window in the peer's queue
        Assert.Equal(first.OrderBy(b => (b.Piece, b.Offset)), released[..n].OrderBy(b => (b.Piece, b.Offset)));
        var refill = new BlockRequest[8];
        Assert.Equal(8, picker.Pick(0, All(), refill));
        Assert.Equal([18, 19], refill[..4].Select(b => b.Piece).Distinct()); // the window first, then the rest again
        Assert.Equal(0, refill[4].Piece);
    }

    [Fact]
    public void A_reader_closing_whose_window_held_another_readers_position_takes_the_claims_back()
    {
        // A browser reads a file from its start, then asks for its end with a second request and closes the first: the
        // second window lies inside the first, so it is no jump, but the first window's pieces asked of the peer would
        // still come before it.
        var picker = NewPicker();
        picker.PeerAdded(0, All());
        picker.SetWindows([(2, 18)]);
        var first = new BlockRequest[16];
        Assert.Equal(16, picker.Pick(0, All(), first));  // pieces 2 to 9 in order
        Assert.False(picker.Jumps([(18, 2), (2, 18)]));   // the tail reader opens inside the first window
        picker.SetWindows([(18, 2), (2, 18)]);
        Assert.True(picker.Jumps([(18, 2)]));             // the first reader closes: pieces 2-17 are needed and in no window now
        picker.SetWindows([(18, 2)]);
        var released = new BlockRequest[64];
        Assert.Equal(16, picker.ReleaseForWindows(0, released));
        var refill = new BlockRequest[4];
        Assert.Equal(4, picker.Pick(0, All(), refill));
        Assert.Equal([18, 19], refill.Select(b => b.Piece).Distinct());
        picker.CheckInvariants();

        // A window gone whose pieces are verified, or covered by another window, is no jump.
        picker.SetWindows([(18, 2), (19, 1)]);
        Assert.False(picker.Jumps([(18, 2)]));
        foreach (var b in refill[..2]) picker.BlockReceived(0, b);
        picker.PieceVerified(18);
        picker.SetWindows([(19, 1), (18, 1)]);
        Assert.False(picker.Jumps([(19, 1)]));
    }

    [Fact]
    public void With_every_block_asked_for_the_window_blocks_stay_and_the_others_in_front_of_them_are_taken_back()
    {
        var picker = NewPicker();
        picker.Sequential = true;
        picker.PeerAdded(0, All());
        var all = new BlockRequest[40];
        Assert.Equal(40, picker.Pick(0, All(), all)); // the whole torrent is asked of it: the window's blocks sit last
        picker.SetWindows([(19, 1), (0, 1)]);

        var released = new BlockRequest[64];
        var n = picker.ReleaseForWindows(0, released);
        Assert.Equal(36, n);
        Assert.DoesNotContain(released[..n], b => b.Piece is 19 or 0);
        picker.CheckInvariants();
    }

    [Fact]
    public void Nothing_is_taken_back_without_a_window_or_from_a_peer_that_lacks_the_window_pieces()
    {
        var picker = NewPicker();
        var some = new Bitfield(Layout.PieceCount);
        for (var i = 0; i < 10; i++) some[i] = true;
        picker.PeerAdded(0, some);
        var buffer = new BlockRequest[8];
        Assert.Equal(8, picker.Pick(0, some, buffer));
        var released = new BlockRequest[8];
        Assert.Equal(0, picker.ReleaseForWindows(0, released));
        picker.SetWindows([(15, 3)]);
        Assert.Equal(0, picker.ReleaseForWindows(0, released));
        picker.CheckInvariants();
    }
}
