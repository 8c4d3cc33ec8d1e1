using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Engine.Resolving;

namespace Engine.Tests.Resolving;

/// <summary>
/// <see cref="HostLookup"/> with a resolver the test controls: a lookup that blocks (as <c>getaddrinfo</c> does while a
/// resolver does not answer) holds one of the lookup's own threads, never the thread pool; one lookup per name is in
/// flight; answers and errors are kept for a while; a caller can give up without losing the answer.
/// </summary>
public sealed class HostLookupTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly ManualResetEventSlim _answer = new();
    private readonly ConcurrentDictionary<string, int> _asked = new();
    private int _inside;
    private int _mostInside;
    private int _onPoolThreads;
    private long _nowMs = 1_000;

    public void Dispose()
    {
        _answer.Set(); // never leave a lookup thread blocked
        _answer.Dispose();
    }

    private HostLookup Lookup(Func<string, IPAddress[]>? answer = null) => new(host =>
    {
        _asked.AddOrUpdate(host, 1, (_, n) => n + 1);
        if (Thread.CurrentThread.IsThreadPoolThread) Interlocked.Increment(ref _onPoolThreads);
        var inside = Interlocked.Increment(ref _inside);
        InterlockedMax(ref _mostInside, inside);
        try
        {
            if (!_answer.Wait(Bound)) throw new TimeoutException("the test never answered");
            return answer is null ? [IPAddress.Parse("192.0.2.7")] : answer(host);
        }
        finally { Interlocked.Decrement(ref _inside); }
    }, () => Interlocked.Read(ref _nowMs));

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = target; value > seen; seen = target)
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }

    [Fact]
    public async Task Thirty_names_a_resolver_never_answers_leave_the_thread_pool_free()
    {
        var lookup = Lookup();
        var lookups = Enumerable.Range(0, 30).Select(i => lookup.ResolveAsync($"tracker{i}.example", Bound)).ToArray();

        // The pool runs new work at once although thirty lookups are blocked, and at most MaxThreads of them hold a thread.
        await Task.Run(() => { }).WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref _inside) == HostLookup.MaxThreads, Bound));
        Assert.Equal(HostLookup.MaxThreads, lookup.Threads);

        _answer.Set();
        var answers = await Task.WhenAll(lookups).WaitAsync(Bound);
        Assert.All(answers, a => Assert.Equal(IPAddress.Parse("192.0.2.7"), Assert.Single(a)));
        Assert.Equal(HostLookup.MaxThreads, _mostInside);
        Assert.Equal(30, _asked.Count);
        Assert.Equal(0, _onPoolThreads);
        Assert.True(SpinWait.SpinUntil(() => lookup.Threads == 0, Bound), "the lookup threads end once the queue is empty");
    }

    [Fact]
    public async Task A_name_asked_for_by_many_is_looked_up_once_and_its_answer_kept_until_it_expires()
    {
        var lookup = Lookup();
        var first = lookup.ResolveAsync("tracker.example", Bound);
        var second = lookup.ResolveAsync("TRACKER.example", Bound);
        _answer.Set();
        await Task.WhenAll(first, second).WaitAsync(Bound);
        await lookup.ResolveAsync("tracker.example", Bound);
        Assert.Equal(1, _asked["tracker.example"]);

        Interlocked.Add(ref _nowMs, (long)HostLookup.Found.TotalMilliseconds);
        await lookup.ResolveAsync("tracker.example", Bound);
        Assert.Equal(2, _asked["tracker.example"]);
    }

    [Fact]
    public async Task An_unknown_name_fails_for_every_caller_and_is_asked_again_after_a_while()
    {
        var lookup = Lookup(_ => throw new SocketException((int)SocketError.HostNotFound));
        _answer.Set();
        var error = await Assert.ThrowsAsync<SocketException>(() => lookup.ResolveAsync("gone.example", Bound));
        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
        await Assert.ThrowsAsync<SocketException>(() => lookup.ResolveAsync("gone.example", Bound));
        Assert.Equal(1, _asked["gone.example"]);

        Interlocked.Add(ref _nowMs, (long)HostLookup.Failed.TotalMilliseconds);
        await Assert.ThrowsAsync<SocketException>(() => lookup.ResolveAsync("gone.example", Bound));
        Assert.Equal(2, _asked["gone.example"]);
    }

    [Fact]
    public async Task A_caller_that_gives_up_gets_a_timeout_and_the_next_caller_the_answer_without_a_second_lookup()
    {
        var lookup = Lookup();
        await Assert.ThrowsAsync<TimeoutException>(() => lookup.ResolveAsync("slow.example", TimeSpan.FromMilliseconds(100)));
        using var cancelled = new CancellationTokenSource();
        var waiting = lookup.ResolveAsync("slow.example", Bound, cancelled.Token);
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        _answer.Set();
        Assert.Single(await lookup.ResolveAsync("slow.example", Bound));
        Assert.Equal(1, _asked["slow.example"]);
    }

    [Fact]
    public async Task An_address_literal_is_its_own_answer()
    {
        var lookup = Lookup();
        Assert.Equal(IPAddress.Parse("::1"), Assert.Single(await lookup.ResolveAsync("::1", Bound)));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), Assert.Single(await lookup.ResolveAsync("10.1.2.3", Bound)));
        Assert.Empty(_asked);
    }
}
