using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

public sealed class QueueCeilingTests
{
    private const long Ms = 1000;
    private const long Rtt = 170 * Ms;

    /// <summary>Feeds one sample every 10 ms from <paramref name="from"/> for <paramref name="durationMs"/>, the delay given by <paramref name="delayMs"/> of the time since <paramref name="from"/>.</summary>
    private static long Feed(QueueCeiling ceiling, long from, long durationMs, Func<long, double> delayMs)
    {
        for (long t = 0; t < durationMs; t += 10) ceiling.Add((long)(delayMs(t) * Ms), from + t * Ms, Rtt);
        return from + durationMs * Ms;
    }

    /// <summary>A loss-based flow's sawtooth as a latecomer sees it: rising from <paramref name="low"/> to <paramref name="top"/> over 4 s, then falling back.</summary>
    private static double Sawtooth(long t, double low, double top) => low + (top - low) * (t % 4000) / 4000.0;

    [Fact]
    public void A_queue_that_tops_out_below_the_target_and_falls_lowers_the_target_to_half_its_top()
    {
        var ceiling = new QueueCeiling(Ledbat.TargetMicros);
        var now = Feed(ceiling, 0, 3990, t => Sawtooth(t, 10, 59));
        Assert.Equal(Ledbat.TargetMicros, ceiling.TargetMicros(now)); // no fall yet: 59 ms could be on its way to 60
        now = Feed(ceiling, now, 20, _ => 11);
        Assert.InRange(ceiling.TargetMicros(now), 29 * Ms, 30 * Ms);
        now = Feed(ceiling, now, 3980, t => Sawtooth(t + 20, 10, 59));
        now = Feed(ceiling, now, 20, _ => 11); // the next fall sets it again: it has crept up by 4 ms since
        Assert.InRange(ceiling.TargetMicros(now), 29 * Ms, 30 * Ms);
    }

    [Fact]
    public void Without_another_fall_the_target_creeps_back_at_a_millisecond_per_second()
    {
        var ceiling = new QueueCeiling(Ledbat.TargetMicros);
        var now = Feed(ceiling, 0, 2000, _ => 40);
        ceiling.Add(5 * Ms, now, Rtt);
        Assert.Equal(20 * Ms, ceiling.TargetMicros(now));
        Assert.Equal(30 * Ms, ceiling.TargetMicros(now + 10_000 * Ms));
        Assert.Equal(Ledbat.TargetMicros, ceiling.TargetMicros(now + 40_000 * Ms));
        Assert.Equal(Ledbat.TargetMicros, ceiling.TargetMicros(now + 400_000 * Ms));
    }

    [Fact]
    public void Its_own_queue_held_at_the_target_leaves_the_target_alone()
    {
        var ceiling = new QueueCeiling(Ledbat.TargetMicros);
        var now = Feed(ceiling, 0, 3000, t => t / 50.0); // up to 60 ms
        now = Feed(ceiling, now, 60_000, t => 60 + 5 * Math.Sin(t / 300.0));
        now = Feed(ceiling, now, 50, _ => 20); // the flow stops: the queue drains
        Assert.Equal(Ledbat.TargetMicros, ceiling.TargetMicros(now));
    }

    [Fact]
    public void A_sawtooth_reaching_over_the_target_is_for_the_delay_itself_to_answer()
    {
        var ceiling = new QueueCeiling(Ledbat.TargetMicros);
        var now = 0L;
        for (var i = 0; i < 5; i++) now = Feed(ceiling, now, 4000, t => Sawtooth(t, 20, 90));
        Assert.Equal(Ledbat.TargetMicros, ceiling.TargetMicros(now));
    }

    [Theory]
    [InlineData(45, 300, "a scheduler's pause: high for less than half a second")]
    [InlineData(18, 3000, "a peak under 20 ms: noise, not a buffer")]
    public void Short_or_small_rises_change_nothing(double peakMs, long heldMs, string why)
    {
        var ceiling = new QueueCeiling(Ledbat.TargetMicros);
        var now = Feed(ceiling, 0, 1000, _ => 1);
        now = Feed(ceiling, now, heldMs, _ => peakMs);
        now = Feed(ceiling, now, 1000, _ => 1);
        Assert.True(ceiling.TargetMicros(now) == Ledbat.TargetMicros, why);
    }

    [Fact]
    public void The_target_goes_no_lower_than_the_floor()
    {
        var ceiling = new QueueCeiling(Ledbat.TargetMicros);
        var now = Feed(ceiling, 0, 2000, _ => 24);
        ceiling.Add(2 * Ms, now, Rtt);
        Assert.Equal(QueueCeiling.MinTargetMicros, ceiling.TargetMicros(now));
    }

    [Fact]
    public void A_fall_counts_only_after_two_round_trips_high_on_a_long_path()
    {
        var ceiling = new QueueCeiling(Ledbat.TargetMicros);
        // 600 ms high is past the half second, but two round trips of a 400 ms path are not over.
        for (long t = 0; t < 600; t += 10) ceiling.Add(40 * Ms, t * Ms, 400 * Ms);
        ceiling.Add(5 * Ms, 600 * Ms, 400 * Ms);
        Assert.Equal(Ledbat.TargetMicros, ceiling.TargetMicros(600 * Ms));
        for (long t = 610; t < 1500; t += 10) ceiling.Add(40 * Ms, t * Ms, 400 * Ms);
        ceiling.Add(5 * Ms, 1500 * Ms, 400 * Ms);
        Assert.Equal(20 * Ms, ceiling.TargetMicros(1500 * Ms));
    }
}
