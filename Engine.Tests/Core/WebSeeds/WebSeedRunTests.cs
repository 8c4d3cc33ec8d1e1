using Engine.Core.Primitives;
using Engine.Core.WebSeeds;

namespace Engine.Tests.Core.WebSeeds;

public class WebSeedRunTests
{
    private const int B = TorrentLayout.BlockSize;
    private static readonly TorrentLayout Layout = new(10 * 4 * B - 100, 4 * B); // 10 pieces of 4 blocks, the last one short

    [Fact]
    public void Contiguous_blocks_across_pieces_are_one_run_in_order_whatever_order_they_came_in()
    {
        BlockRequest[] blocks = [new(3, 0, B), new(2, 3 * B, B), new(2, 2 * B, B)];
        var run = Assert.Single(WebSeedRun.Group(blocks, Layout, 1 << 20));
        Assert.Equal(Layout.PieceOffset(2) + 2 * B, run.Offset);
        Assert.Equal(3 * B, run.Length);
        Assert.Equal([new BlockRequest(2, 2 * B, B), new BlockRequest(2, 3 * B, B), new BlockRequest(3, 0, B)], run.Blocks);
    }

    [Fact]
    public void A_gap_starts_a_new_run()
    {
        BlockRequest[] blocks = [new(0, 0, B), new(0, 2 * B, B)];
        Assert.Equal(2, WebSeedRun.Group(blocks, Layout, 1 << 20).Count);
    }

    [Fact]
    public void A_run_is_cut_at_the_size_limit()
    {
        var blocks = Enumerable.Range(0, 8).Select(i => new BlockRequest(i / 4, i % 4 * B, B)).ToArray();
        var runs = WebSeedRun.Group(blocks, Layout, 3 * B);
        Assert.Equal([3 * B, 3 * B, 2 * B], runs.Select(r => r.Length));
        Assert.Equal(8, runs.Sum(r => r.Blocks.Length));
    }

    [Fact]
    public void The_short_last_block_ends_its_run_at_the_torrent_s_end()
    {
        var last = Layout.PieceCount - 1;
        var lastLength = Layout.PieceSize(last) - 3 * B;
        BlockRequest[] blocks = [new(last, 2 * B, B), new(last, 3 * B, lastLength)];
        var run = Assert.Single(WebSeedRun.Group(blocks, Layout, 1 << 20));
        Assert.Equal(Layout.TotalLength, run.Offset + run.Length);
    }
}
