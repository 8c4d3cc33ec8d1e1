using Engine.Limits;

namespace Engine.Tests.Limits;

public sealed class ConnectionBudgetTests
{
    [Fact]
    public void The_budget_grants_up_to_its_maximum_and_again_after_a_release()
    {
        var budget = new ConnectionBudget(2);
        Assert.True(budget.TryAcquire());
        Assert.True(budget.TryAcquire());
        Assert.False(budget.TryAcquire());
        budget.Release();
        Assert.True(budget.TryAcquire());
        Assert.Equal(2, budget.InUse);
    }

    [Fact]
    public void An_unlimited_budget_counts_but_never_refuses()
    {
        var budget = ConnectionBudget.Unlimited();
        for (var i = 0; i < 1000; i++) Assert.True(budget.TryAcquire());
        Assert.Equal(1000, budget.InUse);
        budget.Release(1000);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public void Releasing_more_than_was_taken_is_an_error()
    {
        var budget = new ConnectionBudget(3);
        budget.TryAcquire();
        Assert.Throws<InvalidOperationException>(() => budget.Release(2));
    }

    [Fact]
    public void Racing_threads_never_overshoot_the_maximum()
    {
        var budget = new ConnectionBudget(100);
        var granted = 0;
        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (budget.TryAcquire()) Interlocked.Increment(ref granted);
        });
        Assert.Equal(100, granted);
        Assert.Equal(100, budget.InUse);
    }
}
