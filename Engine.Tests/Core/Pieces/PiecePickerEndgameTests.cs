using Engine.Core.Pieces;
using Engine.Core.Primitives;
using static Engine.Tests.Core.Pieces.SixPieceTorrent;

namespace Engine.Tests.Core.Pieces;

/// <summary>Endgame: which blocks a peer with room duplicates once every missing block is in transit.</summary>
public class PiecePickerEndgameTests
{
    /// <summary>A picker without the bound on duplicates per peer, for the order tests.</summary>
    private static PiecePicker NewPicker(params int[] peers) => SixPieceTorrent.NewPicker(int.MaxValue, peers);

    private static PiecePicker NewBoundedPicker(int maxDuplicates, params int[] peers) => SixPieceTorrent.NewPicker(maxDuplicates, peers);

    [Fact]
    public void A_peer_duplicates_the_blocks_claimed_last_first_the_tail_of_the_claimants_queue()
    {
        var picker = NewPicker(1, 2);
        var queue = new List<BlockRequest>();
        for (var i = 0; i < 6; i++) queue.AddRange(Pick(picker, 1, 4)); // peer 1's queue, in the order it asked
        Assert.Equal(Blocks, queue.Count);
        Assert.True(picker.InEndgame);

        var duplicates = Pick(picker, 2, 5);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => queue[^(i + 1)]), duplicates);
    }

    [Fact]
    public void Across_claimants_the_latest_claims_go_first_whoever_holds_them()
    {
        var picker = NewPicker(1, 2, 3);
        var first = Pick(picker, 1, 12);
        var second = Pick(picker, 2, 12);
        Assert.True(picker.InEndgame);

        var duplicates = Pick(picker, 3, 12);

        Assert.Equal(second.Reverse(), duplicates);
        Assert.Empty(duplicates.Intersect(first));
    }

    [Fact]
    public void Blocks_with_one_claimant_go_before_duplicated_ones_even_when_those_were_claimed_later()
    {
        var picker = NewPicker(1, 2, 3);
        var queue = Pick(picker, 1, Blocks);
        var doubled = Pick(picker, 2, 4); // now the latest claims
        Assert.Equal(queue[^4..].Reverse(), doubled);

        var third = Pick(picker, 3, Blocks);

        Assert.Equal(Blocks, third.Length);
        Assert.Equal(queue[..^4].Reverse(), third[..^4]);
        Assert.Equal(doubled.Reverse(), third[^4..]); // re-stamped by peer 2's claims, in their order
    }

    [Fact]
    public void A_peer_never_duplicates_its_own_claims_nor_blocks_already_received()
    {
        var picker = NewPicker(1, 2);
        var queue = Pick(picker, 1, Blocks);
        foreach (var block in queue[^3..]) picker.BlockReceived(1, block);

        var duplicates = Pick(picker, 2, Blocks);

        Assert.Equal(queue[..^3].Reverse(), duplicates);
        Assert.Empty(Pick(picker, 1, 4));
        Assert.Empty(Pick(picker, 2, 4));
    }

    [Fact]
    public void A_peer_holds_at_most_the_bound_of_duplicates_and_gets_another_only_when_one_is_settled()
    {
        var picker = NewBoundedPicker(PiecePicker.DefaultMaxDuplicatesPerPeer, 1, 2, 3);
        var queue = Pick(picker, 1, Blocks); // everything in transit at peer 1: endgame from here
        Assert.True(picker.InEndgame);

        var duplicates = Pick(picker, 2, Blocks);
        Assert.Equal(PiecePicker.DefaultMaxDuplicatesPerPeer, duplicates.Length);
        Assert.Empty(Pick(picker, 2, Blocks));
        Assert.Equal(PiecePicker.DefaultMaxDuplicatesPerPeer, Pick(picker, 3, Blocks).Length); // the bound is per peer

        var result = picker.BlockReceived(2, duplicates[0]); // peer 2 delivers one: peer 1's copy is cancelled
        Assert.Equal([1], result.CancelAt);
        Assert.Single(Pick(picker, 2, Blocks));
        picker.BlockReceived(1, duplicates[1]); // peer 1 delivers another: peer 2's copy is cancelled, and it has room again
        Assert.Single(Pick(picker, 2, Blocks));
        picker.ReleaseAll(2);
        Assert.Equal(PiecePicker.DefaultMaxDuplicatesPerPeer, Pick(picker, 2, Blocks).Length);
        Assert.Equal(Blocks, queue.Length);
    }
}
