using Engine.Core.Pieces;
using static Engine.Tests.Core.Pieces.SixPieceTorrent;

namespace Engine.Tests.Core.Pieces;

/// <summary>
/// Picking by arrival time. Near the end a slow peer gets only the free blocks faster peers cannot fetch before it would
/// deliver one. In endgame a peer whose pace is known duplicates a block only when it would deliver it before the
/// claimant sends its own copy (the claimant's queue ahead of the block, at its pace, outlasts the asker's queue and
/// round trip, the claimant's round trip and <see cref="PiecePicker.CommittedSeconds"/>).
/// </summary>
public class PiecePickerArrivalTests
{
    private static readonly PeerPace Slow = new(10, TimeSpan.FromMilliseconds(200));   // a block every 100 ms
    private static readonly PeerPace Fast = new(100, TimeSpan.FromMilliseconds(20));

    private static PiecePicker NewPicker(params int[] peers) => SixPieceTorrent.NewPicker(int.MaxValue, peers);

    [Fact]
    public void A_fast_peer_duplicates_only_what_a_slow_claimant_would_send_after_our_cancel_reached_it_the_longest_waiting_first()
    {
        var picker = NewPicker(1, 2);
        picker.SetPace(1, Slow);
        picker.SetPace(2, Fast);
        var queue = Pick(picker, 1, Blocks);
        Assert.True(picker.InEndgame);

        var duplicates = Pick(picker, 2, Blocks);

        // Peer 2 delivers one in 0.01 + 0.02 s; our cancel needs 0.2 s more, and 0.5 s of peer 1's queue is as good as
        // sent: blocks 1-7 of its queue (0.1-0.7 s away) come from it, blocks 8-24 (0.8-2.4 s) sooner from peer 2.
        Assert.Equal(queue[7..].Reverse(), duplicates);
    }

    [Fact]
    public void A_peer_slower_than_the_claimant_duplicates_nothing_but_an_unknown_pace_still_duplicates_the_latest_claims()
    {
        var picker = NewPicker(1, 2);
        picker.SetPace(1, Fast);
        var queue = Pick(picker, 1, Blocks);
        picker.SetPace(2, Slow);

        Assert.Empty(Pick(picker, 2, Blocks)); // all of peer 1's queue comes within 0.24 s, before peer 2's first block

        picker.SetPace(2, PeerPace.Unknown);
        Assert.Equal(queue[^4..].Reverse(), Pick(picker, 2, 4)); // no pace to judge by: the latest claims, as before
    }

    [Fact]
    public void A_claimant_whose_pace_became_unknown_is_duplicated_before_one_still_delivering()
    {
        var picker = NewPicker(1, 2, 3);
        picker.SetPace(1, Slow);
        picker.SetPace(2, Fast);
        var delivering = Pick(picker, 1, 12);
        var stalled = Pick(picker, 3, 12);
        picker.SetPace(3, PeerPace.Unknown); // a second without a block from peer 3
        Assert.True(picker.InEndgame);

        var duplicates = Pick(picker, 2, Blocks);

        Assert.Equal(stalled.Reverse().Concat(delivering[7..].Reverse()), duplicates);
    }

    [Fact]
    public void The_askers_own_queue_counts_a_duplicate_waits_behind_everything_it_already_holds()
    {
        var picker = NewPicker(1, 2);
        Assert.Equal(10, Pick(picker, 2, 10).Length); // before the endgame
        var queue = Pick(picker, 1, 14);
        Assert.True(picker.InEndgame);
        picker.SetPace(1, Slow);
        picker.SetPace(2, Fast);

        var duplicates = Pick(picker, 2, Blocks);

        // Peer 2's next block comes after its ten: 0.11 + 0.02 s, so blocks from 0.83 s on, the 9th of peer 1's queue.
        Assert.Equal(queue[8..].Reverse(), duplicates);
    }

    [Fact]
    public void A_block_with_two_claimants_is_not_taken_a_third_time_by_a_peer_of_known_pace()
    {
        var picker = NewPicker(1, 2, 3);
        picker.SetPace(1, Slow);
        var queue = Pick(picker, 1, Blocks);
        var doubled = Pick(picker, 2, 4); // peer 2, pace unknown: the four latest
        Assert.Equal(queue[^4..].Reverse(), doubled);
        picker.SetPace(3, Fast);

        var third = Pick(picker, 3, Blocks);

        Assert.Equal(queue[7..^4].Reverse(), third);
    }

    [Fact]
    public void Near_the_end_a_slow_peer_gets_no_free_block_the_fast_one_would_fetch_before_it_delivers()
    {
        var picker = NewPicker(1, 2);
        Assert.Equal(4, Pick(picker, 1, 4).Length);
        Assert.Equal(4, Pick(picker, 2, 4).Length);
        picker.SetPace(1, Fast);
        picker.SetPace(2, Slow);

        // Peer 2's next block would come after its four: 0.5 + 0.2 s. Peer 1 is free from 0.07 s and fetches 63 by then.
        Assert.Empty(Pick(picker, 2, Blocks));
        Assert.Equal(16, Pick(picker, 1, Blocks).Length);
    }

    [Fact]
    public void A_slow_peer_gets_the_free_blocks_the_others_cannot_fetch_in_time()
    {
        var picker = NewPicker(1, 2);
        Assert.Equal(4, Pick(picker, 1, 4).Length);
        Assert.Equal(4, Pick(picker, 2, 4).Length);
        picker.SetPace(1, new PeerPace(20, TimeSpan.FromMilliseconds(20))); // free from 0.27 s: 8.6 blocks by 0.7 s
        picker.SetPace(2, Slow);

        Assert.Equal(8, Pick(picker, 2, Blocks).Length); // 16 free, 8 of them left to peer 1
        Assert.Equal(8, Pick(picker, 1, Blocks).Length);
    }

    [Fact]
    public void A_peer_holding_no_claims_or_of_unknown_pace_is_not_waited_for()
    {
        var picker = NewPicker(1, 2, 3);
        Assert.Equal(4, Pick(picker, 2, 4).Length);
        Assert.Equal(4, Pick(picker, 3, 4).Length);
        picker.SetPace(1, Fast);   // holds nothing: it may lack the pieces left
        picker.SetPace(2, Slow);   // peer 3's pace is unknown

        Assert.Equal(16, Pick(picker, 2, 16).Length);
    }
}
