using Engine.Core.Pieces;
using Engine.Core.Primitives;
using static Engine.Tests.Core.Pieces.SixPieceTorrent;

namespace Engine.Tests.Core.Pieces;

/// <summary>
/// Blocks given back with a cancel that their peer may still send (a trim): handed out after every other free block,
/// those the peer would have sent last first, so that the ones on their way arrive before anyone else is asked for them.
/// </summary>
public class PiecePickerCoolingTests
{
    [Fact]
    public void Blocks_given_back_with_a_cancel_go_out_after_every_fresh_block()
    {
        var picker = NewPicker(4, 1, 2);
        var queue = Pick(picker, 1, 12); // three pieces
        picker.SetPace(1, new PeerPace(2, TimeSpan.FromMilliseconds(100)));
        picker.ReleaseCancelled(1, queue[4..]); // the newest eight, in the order asked
        picker.CheckInvariants();
        Assert.Equal(8, picker.CoolingBlocks);

        var fresh = Pick(picker, 2, 12);
        Assert.Empty(fresh.Select(b => b.Piece).Intersect(queue.Select(b => b.Piece))); // the other three, though two of these are started

        var cooled = Pick(picker, 2, 8);
        Assert.Equal(queue[4..].Reverse(), cooled); // the deepest in peer 1's queue first
        Assert.Equal(0, picker.CoolingBlocks);
    }

    [Fact]
    public void Across_peers_the_block_its_peer_would_have_sent_latest_goes_first()
    {
        var picker = NewPicker(4, 1, 2, 3);
        var slow = Pick(picker, 1, 8);
        var fast = Pick(picker, 2, 8);
        picker.SetPace(1, new PeerPace(1, TimeSpan.FromMilliseconds(100)));   // its 8th block: 8 s away
        picker.SetPace(2, new PeerPace(100, TimeSpan.FromMilliseconds(100))); // its 8th: 0.08 s
        picker.ReleaseCancelled(2, fast[4..]);
        picker.ReleaseCancelled(1, slow[4..]);
        Assert.Equal(8, Pick(picker, 3, 8).Length); // the fresh blocks

        var cooled = Pick(picker, 3, 8);

        Assert.Equal(slow[4..].Reverse().Concat(fast[4..].Reverse()), cooled);
    }

    [Fact]
    public void A_cooling_block_that_comes_anyway_is_taken_and_not_handed_out_again()
    {
        var picker = NewPicker(4, 1, 2);
        var queue = Pick(picker, 1, Blocks);
        picker.ReleaseCancelled(1, queue[20..]);

        var late = picker.BlockReceived(1, queue[20]);

        Assert.True(late.Expected);
        Assert.False(late.WasClaimed);
        picker.CheckInvariants();
        Assert.Equal(3, picker.CoolingBlocks);
        Assert.Equal(queue[21..].Reverse(), Pick(picker, 2, 3));
        Assert.True(picker.InEndgame);
    }

    [Fact]
    public void A_plain_release_is_free_at_once_and_the_streaming_window_does_not_wait_for_cooling_blocks()
    {
        var picker = NewPicker(4, 1, 2);
        var queue = Pick(picker, 1, 8); // two pieces
        picker.Release(1, queue[7]);
        picker.ReleaseCancelled(1, queue[4..7]);
        Assert.Equal([queue[7]], Pick(picker, 2, 1)); // the started piece's free block before anything fresh

        picker.SetWindow(queue[4].Piece, 1); // a reader waits on that piece now
        Assert.Equal(queue[4..7], Pick(picker, 2, 3));
        picker.CheckInvariants();
    }
}
