using Engine.Core.WebSeeds;

namespace Engine.Tests.Core.WebSeeds;

public class WebSeedBackoffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Failures_in_a_row_wait_twice_as_long_each_time_up_to_the_longest()
    {
        var backoff = new WebSeedBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20), 10);
        var waits = Enumerable.Range(0, 6).Select(_ => backoff.Failed(T0).TotalSeconds).ToList();
        Assert.Equal([2, 4, 8, 16, 20, 20], waits);
    }

    [Fact]
    public void It_may_not_be_asked_before_the_wait_is_over()
    {
        var backoff = new WebSeedBackoff();
        Assert.True(backoff.MayAsk(T0));
        var wait = backoff.Failed(T0);
        Assert.False(backoff.MayAsk(T0 + wait - TimeSpan.FromMilliseconds(1)));
        Assert.True(backoff.MayAsk(T0 + wait));
    }

    [Fact]
    public void A_longer_retry_after_is_honoured_but_capped()
    {
        var backoff = new WebSeedBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 10);
        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Failed(T0, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromMinutes(1), backoff.Failed(T0, TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromSeconds(4), backoff.Failed(T0, TimeSpan.FromSeconds(1))); // a shorter one does not shorten the wait
    }

    [Fact]
    public void A_success_starts_again_from_the_first_wait()
    {
        var backoff = new WebSeedBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), 10);
        backoff.Failed(T0);
        backoff.Failed(T0);
        backoff.Succeeded();
        Assert.True(backoff.MayAsk(T0));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Failed(T0));
    }

    [Fact]
    public void It_gives_up_after_the_last_failure_allowed_in_a_row()
    {
        var backoff = new WebSeedBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 3);
        backoff.Failed(T0);
        backoff.Failed(T0);
        Assert.False(backoff.GaveUp);
        backoff.Failed(T0);
        Assert.True(backoff.GaveUp);
        Assert.False(backoff.MayAsk(T0 + TimeSpan.FromDays(1)));
    }
}
