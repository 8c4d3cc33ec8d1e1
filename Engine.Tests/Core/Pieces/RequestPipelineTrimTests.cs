using Engine.Core.Pieces;

namespace Engine.Tests.Core.Pieces;

/// <summary>
/// A peer that holds far more requests than its rate needs gives the newest back (<see cref="RequestPipeline.Trim"/>): a
/// slow seeder whose handshake took a second was handed the first depth of a long fat path.
/// </summary>
public class RequestPipelineTrimTests
{
    private const double KiB = 1024;

    /// <summary>A handshake answered after a second: the first depth of the bound's round trip, 320.</summary>
    private static RequestPipeline AfterSlowHandshake()
    {
        var pipeline = new RequestPipeline();
        pipeline.OnRoundTrip(TimeSpan.FromSeconds(1));
        Assert.Equal(320, pipeline.Depth);
        return pipeline;
    }

    [Fact]
    public void A_slow_peer_holding_the_first_depth_keeps_twice_its_target_from_the_second_sample_on()
    {
        var pipeline = AfterSlowHandshake();
        pipeline.UpdateRate(128 * KiB); // target 12 (1.5 s at 128 KiB/s): slow start ends, depth 166
        Assert.False(pipeline.InSlowStart);
        Assert.Equal(0, pipeline.Trim(318)); // the first sample covers a fraction of a second of data
        pipeline.UpdateRate(128 * KiB); // depth 89 on its way down
        Assert.Equal(313 - 24, pipeline.Trim(313));
        Assert.Equal(24, pipeline.Depth); // not asked for again at once
        Assert.Equal(0, pipeline.Trim(24));
    }

    [Fact]
    public void Nothing_is_taken_back_in_slow_start()
    {
        var pipeline = new RequestPipeline(2000);
        for (var rate = 400 * KiB; rate < 5000 * KiB; rate *= 2) // each target above the depth: still ramping
        {
            pipeline.UpdateRate(rate);
            Assert.True(pipeline.InSlowStart);
            Assert.Equal(0, pipeline.Trim(1999));
        }
    }

    [Fact]
    public void Fewer_than_the_minimum_over_are_left_with_the_peer()
    {
        var pipeline = AfterSlowHandshake();
        pipeline.UpdateRate(128 * KiB);
        pipeline.UpdateRate(128 * KiB);
        Assert.Equal(0, pipeline.Trim(24 + RequestPipeline.MinTrim - 1));
        Assert.Equal(89, pipeline.Depth);
        Assert.Equal(RequestPipeline.MinTrim, pipeline.Trim(24 + RequestPipeline.MinTrim));
    }

    [Fact]
    public void After_an_unchoke_two_samples_are_needed_again()
    {
        var pipeline = AfterSlowHandshake();
        pipeline.UpdateRate(128 * KiB);
        pipeline.UpdateRate(128 * KiB);
        pipeline.Reset();
        pipeline.UpdateRate(16 * KiB);
        Assert.False(pipeline.InSlowStart);
        Assert.Equal(0, pipeline.Trim(320));
        pipeline.UpdateRate(16 * KiB);
        Assert.True(pipeline.Trim(320) > 300);
    }

    [Fact]
    public void Whatever_the_rates_what_is_kept_is_the_new_depth_and_a_second_trim_takes_nothing()
    {
        var random = new Random(20261207);
        var pipeline = new RequestPipeline(2000);
        pipeline.OnRoundTrip(TimeSpan.FromMilliseconds(random.Next(5, 400)));
        for (var i = 0; i < 500; i++)
        {
            pipeline.UpdateRate(random.NextDouble() * 20_000 * KiB);
            var depth = pipeline.Depth;
            var taken = pipeline.Trim(depth);
            Assert.InRange(taken, 0, depth - RequestPipeline.MinDepth);
            Assert.Equal(depth - taken, pipeline.Depth);
            Assert.Equal(0, pipeline.Trim(pipeline.Depth));
            Assert.InRange(pipeline.Depth, RequestPipeline.MinDepth, pipeline.Cap);
        }
    }
}
