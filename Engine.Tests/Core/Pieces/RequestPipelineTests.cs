using Engine.Core.Pieces;

namespace Engine.Tests.Core.Pieces;

public class RequestPipelineTests
{
    private const double KiB = 1024;

    [Fact]
    public void A_new_pipeline_starts_at_sixty_four_in_slow_start_with_the_default_cap()
    {
        var pipeline = new RequestPipeline();
        Assert.Equal(64, pipeline.Depth);
        Assert.True(pipeline.InSlowStart);
        Assert.Equal(500, pipeline.Cap);
    }

    [Fact]
    public void The_cap_is_one_under_the_peers_reqq_when_it_sent_one()
    {
        // transmission holds at most reqq - 1 requests and refuses the one that would fill its queue.
        Assert.Equal(249, new RequestPipeline(250).Cap);
        Assert.Equal(1999, new RequestPipeline(2000).Cap);
        Assert.Equal(7, new RequestPipeline(8).Depth);
    }

    [Fact]
    public void An_absurd_reqq_is_bounded()
    {
        Assert.Equal(RequestPipeline.MaxCap, new RequestPipeline(int.MaxValue).Cap);
        Assert.Equal(2, new RequestPipeline(0).Cap);
        Assert.Equal(2, new RequestPipeline(int.MinValue).Cap);
        Assert.Equal(2, new RequestPipeline(-5).Depth);
    }

    [Fact]
    public void Depth_doubles_while_the_rate_keeps_rising()
    {
        var pipeline = new RequestPipeline(2000);
        pipeline.UpdateRate(400 * KiB); // target 75
        Assert.Equal(128, pipeline.Depth);
        pipeline.UpdateRate(800 * KiB); // target 150
        Assert.Equal(256, pipeline.Depth);
        pipeline.UpdateRate(1600 * KiB); // target 300
        Assert.Equal(512, pipeline.Depth);
        Assert.True(pipeline.InSlowStart);
    }

    [Fact]
    public void A_peer_too_slow_to_use_its_requests_ends_slow_start_instead_of_doubling_them()
    {
        // 50 KiB/s is 10 blocks in three seconds; the 64 it holds already are 20 seconds of its data.
        var pipeline = new RequestPipeline();
        pipeline.UpdateRate(50 * KiB);
        Assert.False(pipeline.InSlowStart);
        Assert.Equal(37, pipeline.Depth); // halfway down to 10
        pipeline.UpdateRate(60 * KiB);
        Assert.Equal(24, pipeline.Depth); // target 12: a rise no longer doubles
        for (var i = 0; i < 10; i++) pipeline.UpdateRate(60 * KiB);
        Assert.Equal(12, pipeline.Depth);
    }

    [Fact]
    public void Slow_start_jumps_straight_to_the_target_when_that_is_larger()
    {
        var pipeline = new RequestPipeline();
        pipeline.UpdateRate(10_000 * KiB); // 3 s at 10 MB/s = 1875 blocks, capped
        Assert.Equal(500, pipeline.Depth);
    }

    [Fact]
    public void Slow_start_ends_when_the_rate_stops_rising_and_depth_heads_for_three_seconds_of_data()
    {
        var pipeline = new RequestPipeline();
        pipeline.UpdateRate(400 * KiB);
        pipeline.UpdateRate(800 * KiB);
        Assert.Equal(256, pipeline.Depth);
        pipeline.UpdateRate(800 * KiB); // flat: target = 800 KiB * 3 / 16 KiB = 150
        Assert.False(pipeline.InSlowStart);
        Assert.Equal(203, pipeline.Depth); // halfway down
        pipeline.UpdateRate(800 * KiB);
        Assert.Equal(176, pipeline.Depth);
        for (var i = 0; i < 10; i++) pipeline.UpdateRate(800 * KiB);
        Assert.Equal(150, pipeline.Depth);
        // A rising rate no longer doubles, the depth follows the target at once.
        pipeline.UpdateRate(1600 * KiB);
        Assert.Equal(300, pipeline.Depth);
        Assert.False(pipeline.InSlowStart);
    }

    [Fact]
    public void Depth_never_exceeds_the_cap()
    {
        var pipeline = new RequestPipeline(100);
        for (var rate = 10 * KiB; rate < 1e9; rate *= 1.5)
        {
            pipeline.UpdateRate(rate);
            Assert.InRange(pipeline.Depth, 2, 99);
        }
        Assert.Equal(99, pipeline.Depth);
    }

    [Fact]
    public void Depth_never_drops_below_two()
    {
        var pipeline = new RequestPipeline();
        for (var i = 0; i < 20; i++) pipeline.UpdateRate(0);
        Assert.Equal(2, pipeline.Depth);
        pipeline.UpdateRate(1);
        Assert.Equal(2, pipeline.Depth);
    }

    [Fact]
    public void A_zero_rate_ends_slow_start()
    {
        var pipeline = new RequestPipeline();
        pipeline.UpdateRate(0);
        Assert.False(pipeline.InSlowStart);
        Assert.Equal(33, pipeline.Depth);
    }

    [Fact]
    public void A_reqq_learnt_later_lowers_the_cap_and_the_depth()
    {
        var pipeline = new RequestPipeline();
        pipeline.UpdateRate(10_000 * KiB);
        pipeline.SetPeerMaxRequests(64);
        Assert.Equal(63, pipeline.Cap);
        Assert.Equal(63, pipeline.Depth);
        pipeline.SetPeerMaxRequests(null);
        Assert.Equal(500, pipeline.Cap);
        Assert.Equal(63, pipeline.Depth);
    }

    [Fact]
    public void Reset_returns_to_the_initial_depth_and_slow_start()
    {
        var pipeline = new RequestPipeline();
        pipeline.UpdateRate(1000 * KiB);
        pipeline.UpdateRate(1000 * KiB);
        pipeline.Reset();
        Assert.Equal(64, pipeline.Depth);
        Assert.True(pipeline.InSlowStart);
        pipeline.UpdateRate(400 * KiB); // rising from nothing again: doubles
        Assert.Equal(128, pipeline.Depth);
        Assert.True(pipeline.InSlowStart);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public void Invalid_rates_are_rejected(double rate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RequestPipeline().UpdateRate(rate));
        Assert.Contains("finite, non-negative", e.Message);
    }

    [Fact]
    public void Random_rate_sequences_keep_depth_within_bounds()
    {
        var random = new Random(9);
        for (var round = 0; round < 200; round++)
        {
            var cap = random.Next(3) == 0 ? (int?)random.Next(-10, 3000) : null;
            var pipeline = new RequestPipeline(cap);
            for (var i = 0; i < 100; i++)
            {
                pipeline.UpdateRate(random.NextDouble() * random.Next(0, 50_000) * KiB);
                Assert.InRange(pipeline.Depth, RequestPipeline.MinDepth, pipeline.Cap);
            }
        }
    }
}
