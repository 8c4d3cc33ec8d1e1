using Engine.Core.Peers;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Peers;

public class GivenBackBlocksTests
{
    private static readonly TorrentLayout Layout = new(8192L * 16384, 16384);

    [Fact]
    public void A_remembered_block_is_taken_once_and_an_unknown_one_never()
    {
        var given = new GivenBackBlocks();
        given.Remember([Layout.Block(3, 0), Layout.Block(4, 0)]);
        Assert.True(given.Arrived(Layout.Block(3, 0)));
        Assert.False(given.Arrived(Layout.Block(3, 0)));
        Assert.False(given.Arrived(Layout.Block(5, 0)));
        Assert.Equal(1, given.Count);
    }

    [Fact]
    public void Past_the_limit_the_memory_starts_over_with_the_newest()
    {
        var given = new GivenBackBlocks();
        given.Remember(Enumerable.Range(0, GivenBackBlocks.Limit).Select(i => Layout.Block(i, 0)).ToArray());
        Assert.Equal(GivenBackBlocks.Limit, given.Count);
        given.Remember([Layout.Block(GivenBackBlocks.Limit, 0)]);
        Assert.Equal(1, given.Count);
        Assert.False(given.Arrived(Layout.Block(0, 0))); // forgotten: discarded as before
        Assert.True(given.Arrived(Layout.Block(GivenBackBlocks.Limit, 0)));
    }
}
