using Engine.Core.Supervision;

namespace Engine.Tests.Core.Supervision;

public class RestartBackoffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Failures_in_a_row_wait_one_second_doubling_up_to_a_minute()
    {
        var backoff = new RestartBackoff();
        var now = T0;
        var delays = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            backoff.Started(now);
            now += TimeSpan.FromSeconds(2); // crashes two seconds after each start
            var delay = backoff.Failed(now);
            delays.Add(delay.TotalSeconds);
            now += delay;
        }
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
        Assert.Equal(9, backoff.Failures);
    }

    [Fact]
    public void A_child_that_ran_stably_before_failing_starts_over_at_the_first_delay()
    {
        var backoff = new RestartBackoff(stableAfter: TimeSpan.FromSeconds(30));
        backoff.Started(T0);
        backoff.Failed(T0.AddSeconds(1));
        backoff.Started(T0.AddSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Failed(T0.AddSeconds(3)));
        backoff.Started(T0.AddSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Failed(T0.AddSeconds(35)));
        Assert.Equal(1, backoff.Failures);
    }

    [Fact]
    public void The_stable_run_is_measured_from_the_latest_start_not_the_first()
    {
        var backoff = new RestartBackoff(stableAfter: TimeSpan.FromSeconds(30));
        backoff.Started(T0);
        backoff.Failed(T0.AddSeconds(29));
        backoff.Started(T0.AddSeconds(30));
        // 40 s after the first start, but only 10 s after this one: not stable.
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Failed(T0.AddSeconds(40)));
    }

    [Fact]
    public void A_failure_without_a_recorded_start_is_not_taken_for_a_stable_run()
    {
        var backoff = new RestartBackoff();
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Failed(T0));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Failed(T0.AddHours(1)));
    }

    [Fact]
    public void A_cap_below_a_doubling_is_kept_exactly_and_long_runs_of_failures_do_not_overflow()
    {
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(300), backoff.Failed(T0));
        Assert.Equal(TimeSpan.FromMilliseconds(600), backoff.Failed(T0));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Failed(T0));
        for (var i = 0; i < 200; i++) Assert.Equal(TimeSpan.FromSeconds(1), backoff.Failed(T0));
    }

    [Fact]
    public void Nonsense_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(stableAfter: TimeSpan.FromSeconds(-1)));
    }
}
