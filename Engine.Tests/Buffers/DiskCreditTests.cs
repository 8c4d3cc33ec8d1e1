using Engine.Buffers;

namespace Engine.Tests.Buffers;

public sealed class DiskCreditTests
{
    [Fact]
    public void Without_a_budget_a_credit_is_the_peers_own_allowance()
    {
        var credit = new DiskCredit(2);
        Assert.True(credit.Wait());
        Assert.True(credit.Wait());
        Assert.False(credit.Wait());
        credit.Release(2);
        Assert.Equal(2, credit.CurrentCount);
    }

    [Fact]
    public void The_engine_wide_cap_limits_all_peers_together()
    {
        var budget = new DiskBudget(3);
        var a = new DiskCredit(2, budget);
        var b = new DiskCredit(2, budget);
        Assert.True(a.Wait());
        Assert.True(a.Wait());
        Assert.False(a.Wait());         // a's own allowance is spent
        Assert.True(b.Wait());
        Assert.False(b.Wait());         // b has allowance left, but the cap is reached
        Assert.Equal(1, b.CurrentCount); // and the failed attempt did not keep b's own credit
        Assert.Equal(3, budget.InFlight);
        a.Release();
        Assert.True(b.Wait());
        Assert.Equal(3, budget.InFlight);
        a.Release();
        b.Release(2);
        Assert.Equal(0, budget.InFlight);
    }

    [Fact]
    public async Task A_peer_waiting_for_the_cap_goes_on_when_another_peer_releases()
    {
        var budget = new DiskBudget(1);
        var a = new DiskCredit(4, budget);
        var b = new DiskCredit(4, budget);
        Assert.True(a.Wait());
        var waiting = b.WaitAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        a.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, budget.InFlight);
        b.Release();
        Assert.Equal(0, budget.InFlight);
    }

    [Fact]
    public async Task A_cancelled_wait_gives_the_peers_own_credit_back()
    {
        var budget = new DiskBudget(1);
        var a = new DiskCredit(4, budget);
        var b = new DiskCredit(4, budget);
        Assert.True(a.Wait());
        using var cts = new CancellationTokenSource();
        var waiting = b.WaitAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(4, b.CurrentCount);
        Assert.Equal(1, budget.InFlight);
    }

    [Fact]
    public void Closing_a_peer_returns_its_slots_at_once_and_its_late_releases_do_not_count_twice()
    {
        var budget = new DiskBudget(4);
        var gone = new DiskCredit(4, budget);
        var other = new DiskCredit(4, budget);
        for (var i = 0; i < 3; i++) Assert.True(gone.Wait());
        Assert.True(other.Wait());
        Assert.Equal(4, budget.InFlight);
        gone.Close();                      // e.g. its blocks were told to a piece manager that had stopped
        Assert.Equal(1, budget.InFlight);
        gone.Release(2);                   // some of them were written after all
        Assert.Equal(1, budget.InFlight);
        Assert.True(gone.Wait());          // a closed peer's blocks no longer count against the cap...
        Assert.Equal(1, budget.InFlight);
        other.Release();
        Assert.Equal(0, budget.InFlight);
        for (var i = 0; i < 4; i++) Assert.True(other.Wait()); // ...and the whole cap is available again
        Assert.False(other.Wait());
    }

    [Fact]
    public void Concurrent_takes_and_releases_never_exceed_the_cap_and_return_to_zero()
    {
        var budget = new DiskBudget(16);
        var peers = Enumerable.Range(0, 8).Select(_ => new DiskCredit(8, budget)).ToArray();
        var maxSeen = 0;
        Parallel.For(0, 8, i =>
        {
            var rng = new Random(i);
            var held = 0;
            for (var step = 0; step < 20_000; step++)
            {
                if (held > 0 && rng.Next(2) == 0)
                {
                    var n = rng.Next(1, held + 1);
                    peers[i].Release(n);
                    held -= n;
                }
                else if (peers[i].Wait())
                {
                    held++;
                    var now = budget.InFlight;
                    int seen;
                    while ((seen = Volatile.Read(ref maxSeen)) < now && Interlocked.CompareExchange(ref maxSeen, now, seen) != seen) { }
                }
            }
            peers[i].Release(held);
        });
        Assert.InRange(maxSeen, 1, 16);
        Assert.Equal(0, budget.InFlight);
    }
}
