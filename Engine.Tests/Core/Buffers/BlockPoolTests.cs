using Engine.Core.Buffers;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Buffers;

public class BlockPoolTests
{
    [Fact]
    public void Rented_block_has_the_requested_length_over_an_exact_16_KiB_array()
    {
        var pool = new BlockPool(4);
        var block = pool.Rent(1000);
        Assert.Equal(1000, block.Length);
        Assert.Equal(TorrentLayout.BlockSize, block.Array.Length);
        Assert.Equal(1000, block.Span.Length);
        Assert.Equal(1000, block.Memory.Length);
        Assert.Equal(1000, block.Segment.Count);
    }

    [Fact]
    public void Released_arrays_are_reused_so_renting_again_allocates_nothing()
    {
        var pool = new BlockPool(16);
        var first = new BlockBuffer[10];
        for (var i = 0; i < first.Length; i++) first[i] = pool.Rent(TorrentLayout.BlockSize);
        var arrays = first.Select(b => b.Array).ToHashSet();
        Assert.Equal(10, pool.Allocated);
        foreach (var b in first) b.Release();
        Assert.Equal(10, pool.Retained);

        for (var i = 0; i < 10; i++) Assert.Contains(pool.Rent(i).Array, arrays);
        Assert.Equal(10, pool.Allocated);
        Assert.Equal(20, pool.Rents);
        Assert.Equal(10, pool.Outstanding);
    }

    [Fact]
    public void Double_release_throws()
    {
        var pool = new BlockPool(4);
        var block = pool.Rent(10);
        block.Release();
        var error = Assert.Throws<InvalidOperationException>(block.Release);
        Assert.Contains("twice", error.Message);
        Assert.Equal(1, pool.Retained);
    }

    [Fact]
    public void Double_release_is_detected_even_after_the_array_was_rented_again()
    {
        var pool = new BlockPool(4);
        var stale = pool.Rent(10);
        stale.Release();
        var fresh = pool.Rent(10);
        Assert.Same(fresh.Array, fresh.Array);
        Assert.Throws<InvalidOperationException>(stale.Release);
        Assert.False(fresh.IsReleased);
        Assert.Equal(0, pool.Retained);
    }

    [Fact]
    public void Using_a_released_block_throws()
    {
        var block = new BlockPool(4).Rent(10);
        block.Release();
        Assert.True(block.IsReleased);
        Assert.Throws<InvalidOperationException>(() => block.Span.Length);
        Assert.Throws<InvalidOperationException>(() => block.Array);
    }

    [Fact]
    public void Retention_is_bounded_and_the_excess_is_dropped()
    {
        var pool = new BlockPool(3);
        var blocks = Enumerable.Range(0, 5).Select(_ => pool.Rent(1)).ToList();
        blocks.ForEach(b => b.Release());
        Assert.Equal(3, pool.Retained);
        Assert.Equal(2, pool.Dropped);
        Assert.Equal(0, pool.Outstanding);

        for (var i = 0; i < 5; i++) pool.Rent(1);
        Assert.Equal(7, pool.Allocated);
    }

    [Fact]
    public void Lengths_outside_0_to_16_KiB_are_refused()
    {
        var pool = new BlockPool(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(TorrentLayout.BlockSize + 1));
        Assert.Equal(0, pool.Rent(0).Length);
    }

    [Fact]
    public void RentCopy_holds_the_content()
    {
        var block = new BlockPool(1).RentCopy([1, 2, 3]);
        Assert.Equal([1, 2, 3], block.Span.ToArray());
    }

    [Fact]
    public void Concurrent_rent_and_release_keeps_the_counts_consistent()
    {
        var pool = new BlockPool(64);
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                var a = pool.Rent(100);
                var b = pool.Rent(200);
                a.Release();
                b.Release();
            }
        });
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(80_000, pool.Rents);
        Assert.True(pool.Allocated <= 8, $"allocated {pool.Allocated} arrays for at most 8 outstanding");
        Assert.Equal(pool.Allocated, pool.Retained);
    }
}
