using Engine.Core.Peers;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Peers;

public sealed class OutstandingRequestsTests
{
    private const int Block = TorrentLayout.BlockSize;
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 17, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A batch sent at one moment is served in the order it was sent (unworkable's 64 requests: pieces 12, 14, 4, 7):
    /// the newest are the last sent, not the highest pieces, so a trim keeps the blocks the peer serves next.
    /// </summary>
    [Fact]
    public void The_newest_are_the_last_sent_also_within_one_moment()
    {
        var outstanding = new OutstandingRequests();
        int[] sentOrder = [12, 14, 4, 7];
        foreach (var piece in sentOrder)
            for (var block = 0; block < 4; block++) outstanding.Add(new BlockRequest(piece, block * Block, Block), T0);

        var newest = outstanding.TakeNewest(12);

        Assert.Equal(new[] { 7, 4, 14 }, newest.Select(b => b.Piece).Distinct());
        Assert.Equal(new BlockRequest(7, 3 * Block, Block), newest[0]);
        Assert.Equal(4, outstanding.Count);
        for (var block = 0; block < 4; block++) Assert.True(outstanding.Contains(new BlockRequest(12, block * Block, Block)));
    }

    [Fact]
    public void Later_requests_are_newer_than_earlier_ones_and_a_block_sent_again_keeps_its_first_place()
    {
        var outstanding = new OutstandingRequests();
        var early = new BlockRequest(9, 0, Block);
        var late = new BlockRequest(1, 0, Block);
        Assert.True(outstanding.Add(early, T0));
        Assert.True(outstanding.Add(late, T0.AddSeconds(1)));
        Assert.False(outstanding.Add(early, T0.AddSeconds(2)));
        Assert.Equal(new[] { late }, outstanding.TakeNewest(1));
        Assert.Equal(new[] { early }, outstanding.TakeNewest(5));
        Assert.Equal(0, outstanding.Count);
    }
}
