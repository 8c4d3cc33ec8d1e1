using System.Net;
using Engine.Core.Peers;

namespace Engine.Tests.Core.Peers;

/// <summary>Who may wait for its handshake, and how long: per-host limits, a deadline shrinking with the queue, eviction of stragglers.</summary>
public sealed class HandshakeQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static IPEndPoint From(string host, int port = 40000) => new(IPAddress.Parse(host), port);

    [Fact]
    public void A_host_may_have_only_a_few_connections_waiting_and_a_shared_host_is_exempt()
    {
        var q = new HandshakeQueue(max: 64, maxPerHost: 3);
        for (var i = 0; i < 3; i++) Assert.True(q.Admit(From("10.0.0.1", 40000 + i), T0).Accepted);
        var refused = q.Admit(From("10.0.0.1", 41000), T0);
        Assert.False(refused.Accepted);
        Assert.Contains("10.0.0.1", refused.Refusal);
        Assert.True(q.Admit(From("10.0.0.2"), T0).Accepted);
        for (var i = 0; i < 20; i++) Assert.True(q.Admit(From("127.0.0.1", 40000 + i), T0).Accepted);
    }

    [Fact]
    public void The_deadline_shrinks_as_the_queue_fills()
    {
        var q = new HandshakeQueue(max: 10, maxPerHost: 10, deadline: TimeSpan.FromSeconds(20), minDeadline: TimeSpan.FromSeconds(2));
        var deadlines = Enumerable.Range(0, 10).Select(i => q.Admit(From("127.0.0.1", 40000 + i), T0).Deadline).ToList();
        Assert.Equal(TimeSpan.FromSeconds(20), deadlines[0]);
        Assert.Equal(TimeSpan.FromSeconds(20 - 18 * 0.5), deadlines[5]);
        Assert.Equal(deadlines.OrderByDescending(d => d), deadlines);
        Assert.True(deadlines[9] >= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void A_full_queue_evicts_the_longest_waiting_to_make_room()
    {
        var q = new HandshakeQueue(max: 4, maxPerHost: 4);
        var ids = Enumerable.Range(0, 4).Select(i => q.Admit(From("127.0.0.1", 40000 + i), T0.AddMilliseconds(i)).Id).ToList();
        var admitted = q.Admit(From("127.0.0.1", 50001), T0.AddMilliseconds(10));
        Assert.True(admitted.Accepted);
        Assert.Equal(ids[0], admitted.Evicted);
        Assert.Equal(4, q.Count);
        q.Done(ids[1]);
        var next = q.Admit(From("127.0.0.1", 50002), T0.AddMilliseconds(20));
        Assert.True(next.Accepted);
        Assert.Null(next.Evicted);
        Assert.Equal(ids[2], q.Admit(From("127.0.0.1", 50003), T0.AddMilliseconds(30)).Evicted);
    }

    [Fact]
    public void Done_frees_the_hosts_place_and_unknown_ids_are_ignored()
    {
        var q = new HandshakeQueue(max: 64, maxPerHost: 1);
        var first = q.Admit(From("10.0.0.9"), T0);
        Assert.False(q.Admit(From("10.0.0.9", 1), T0).Accepted);
        q.Done(first.Id);
        q.Done(12345);
        Assert.True(q.Admit(From("10.0.0.9", 2), T0).Accepted);
        Assert.Equal(1, q.Count);
    }

    [Fact]
    public void A_slowloris_flood_pushes_out_only_stragglers_and_never_an_honest_handshake_in_flight()
    {
        // An honest peer's 68 bytes arrive within a round trip (here 100 ms); to push it out, 64 connections would have
        // to arrive within that time. A flood of up to ~300 a second never does.
        var q = new HandshakeQueue(max: 64, maxPerHost: 4);
        var now = T0;
        var random = new Random(4);
        var inFlight = new List<(long Id, DateTimeOffset Done)>();
        var evictedHonest = 0;
        for (var step = 0; step < 20_000; step++)
        {
            now = now.AddMilliseconds(random.Next(1, 6));
            foreach (var h in inFlight.Where(h => h.Done <= now).ToList())
            {
                q.Done(h.Id);
                inFlight.Remove(h);
            }
            var attacker = q.Admit(From("127.0.0.1", 1000 + step % 60000), now); // never completes its handshake
            Assert.True(attacker.Accepted);
            if (attacker.Evicted is { } gone && inFlight.RemoveAll(h => h.Id == gone) > 0) evictedHonest++;
            if (step % 50 != 0) continue;
            var honest = q.Admit(From($"10.1.{step / 200 % 250}.{step % 250}"), now);
            Assert.True(honest.Accepted);
            if (honest.Evicted is { } g && inFlight.RemoveAll(h => h.Id == g) > 0) evictedHonest++;
            inFlight.Add((honest.Id, now.AddMilliseconds(100)));
        }
        Assert.True(q.Count <= 64);
        Assert.Equal(0, evictedHonest);
    }
}
