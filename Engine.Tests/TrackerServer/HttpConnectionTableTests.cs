using System.Net;
using Engine.TrackerServer;

namespace Engine.Tests.TrackerServer;

/// <summary>The tracker's connection table: per-address limits, idle timeouts shrinking with load, eviction of the idle.</summary>
public sealed class HttpConnectionTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static HttpConnectionTable Table(int max = 8, int perAddress = 2)
        => new(max, perAddress, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1));

    [Fact]
    public void One_address_may_hold_only_a_few_connections_but_the_shared_host_is_exempt()
    {
        var t = Table();
        Assert.True(t.Admit(IPAddress.Parse("10.0.0.1"), T0).Accepted);
        Assert.True(t.Admit(IPAddress.Parse("10.0.0.1"), T0).Accepted);
        var refused = t.Admit(IPAddress.Parse("::ffff:10.0.0.1"), T0);
        Assert.False(refused.Accepted);
        Assert.Contains("10.0.0.1", refused.Refusal);
        for (var i = 0; i < 6; i++) Assert.True(t.Admit(IPAddress.Loopback, T0).Accepted);
    }

    [Fact]
    public void A_newcomer_evicts_the_connection_idle_longest_and_is_refused_only_when_all_are_busy()
    {
        var t = Table(max: 3, perAddress: 3);
        var a = t.Admit(IPAddress.Loopback, T0).Id;
        var b = t.Admit(IPAddress.Loopback, T0).Id;
        var c = t.Admit(IPAddress.Loopback, T0).Id;
        t.Busy(a);
        var d = t.Admit(IPAddress.Loopback, T0);
        Assert.Equal(b, d.Evicted);
        t.Busy(c);
        t.Busy(d.Id);
        Assert.False(t.Admit(IPAddress.Loopback, T0).Accepted);
        t.WaitingForRequest(a); // a served its request and waits for the next: idle again
        Assert.Equal(a, t.Admit(IPAddress.Loopback, T0).Evicted);
        Assert.Equal(3, t.Open);
    }

    [Fact]
    public void The_idle_timeout_shrinks_with_the_load()
    {
        var t = Table(max: 10, perAddress: 10);
        var first = t.Admit(IPAddress.Loopback, T0).Id;
        var quiet = t.WaitingForRequest(first);
        for (var i = 0; i < 9; i++) t.Admit(IPAddress.Loopback, T0);
        var full = t.WaitingForRequest(first);
        Assert.Equal(TimeSpan.FromSeconds(15 - 14 * 0.1), quiet);
        Assert.Equal(TimeSpan.FromSeconds(1), full);
    }

    [Fact]
    public void Closing_frees_the_address_and_unknown_ids_are_ignored()
    {
        var t = Table(perAddress: 1);
        var id = t.Admit(IPAddress.Parse("10.0.0.9"), T0).Id;
        t.Close(id);
        t.Close(id);
        t.Close(999);
        Assert.True(t.Admit(IPAddress.Parse("10.0.0.9"), T0).Accepted);
        Assert.Equal(1, t.Open);
    }

    [Fact]
    public void Body_budget_gives_out_no_more_than_it_has_and_remembers_its_peak()
    {
        var budget = new BodyBudget(100);
        Assert.True(budget.TryTake(60));
        Assert.False(budget.TryTake(50));
        Assert.True(budget.TryTake(40));
        budget.Return(100);
        Assert.Equal(0, budget.InUse);
        Assert.Equal(100, budget.PeakInUse);
    }
}
