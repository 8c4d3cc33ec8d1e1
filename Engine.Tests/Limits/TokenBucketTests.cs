using Engine.Limits;

namespace Engine.Tests.Limits;

public sealed class TokenBucketTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(1000);

    [Fact]
    public void An_unlimited_bucket_never_asks_to_wait()
    {
        var bucket = new TokenBucket(0, T0);
        Assert.True(bucket.IsUnlimited);
        for (var i = 0; i < 100; i++) Assert.Equal(TimeSpan.Zero, bucket.Reserve(1 << 30, T0));
        Assert.Equal(long.MaxValue, bucket.Available(T0));
    }

    [Fact]
    public void A_fresh_bucket_lets_its_burst_through_then_asks_the_debt_over_the_rate()
    {
        var bucket = new TokenBucket(100_000, T0, burst: 50_000);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(50_000, T0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), bucket.Reserve(20_000, T0));
        // A second caller queues behind the first: its wait covers both debts.
        Assert.Equal(TimeSpan.FromMilliseconds(300), bucket.Reserve(10_000, T0));
        Assert.Equal(-30_000, bucket.Available(T0));
    }

    [Fact]
    public void The_default_burst_is_a_quarter_second_but_never_less_than_a_block_and_its_header()
    {
        Assert.Equal(250_000, new TokenBucket(1_000_000, T0).Burst);
        Assert.Equal(TokenBucket.MinimumBurst, new TokenBucket(1000, T0).Burst);
        // So one block always passes a fresh bucket without a wait, however low the rate.
        Assert.Equal(TimeSpan.Zero, new TokenBucket(1000, T0).Reserve(16 * 1024 + 13, T0));
    }

    [Fact]
    public void An_idle_bucket_refills_at_the_rate_up_to_its_burst()
    {
        var bucket = new TokenBucket(10_000, T0, burst: 40_000);
        bucket.Reserve(40_000, T0);
        Assert.Equal(0, bucket.Available(T0));
        Assert.Equal(15_000, bucket.Available(T0 + TimeSpan.FromSeconds(1.5)));
        Assert.Equal(40_000, bucket.Available(T0 + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_clock_read_that_is_slightly_behind_adds_nothing_and_takes_nothing()
    {
        var bucket = new TokenBucket(10_000, T0, burst: 40_000);
        bucket.Reserve(40_000, T0 + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve(10_000, T0));
    }

    [Fact]
    public void Changing_the_rate_keeps_the_debt_and_pays_it_at_the_new_rate()
    {
        var bucket = new TokenBucket(10_000, T0, burst: 20_000);
        bucket.Reserve(40_000, T0); // 20 000 in debt
        bucket.Set(20_000, T0, burst: 20_000);
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve(0, T0));
        bucket.Set(0, T0);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(1_000_000, T0));
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_their_name()
    {
        Assert.Equal("bytesPerSecond", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(-1, T0)).ParamName);
        Assert.Equal("burst", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(1, T0, burst: 0)).ParamName);
        Assert.Equal("bytes", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(1, T0).Reserve(-1, T0)).ParamName);
    }

    /// <summary>
    /// Simulated consumers that always want more: each reserves a random chunk, waits what it is told,
    /// then uses the bytes. Over every prefix of time the bytes used stay within burst + rate × t, and a
    /// saturated bucket delivers its rate.
    /// </summary>
    [Fact]
    public void Saturating_consumers_get_the_rate_and_never_more_than_burst_plus_rate_times_time()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var random = new Random(seed);
            var rate = random.Next(1_000, 10_000_000);
            var burst = random.Next(20_000, 2_000_000);
            var bucket = new TokenBucket(rate, T0, burst);
            var consumers = random.Next(1, 12);
            var nextAt = new TimeSpan[consumers];
            Array.Fill(nextAt, T0);
            var used = new List<(TimeSpan At, long Bytes)>();
            var horizon = T0 + TimeSpan.FromSeconds(20);
            while (true)
            {
                var c = 0;
                for (var i = 1; i < consumers; i++) if (nextAt[i] < nextAt[c]) c = i;
                var now = nextAt[c];
                if (now >= horizon) break;
                var chunk = random.Next(1, 128 * 1024);
                var at = now + bucket.Reserve(chunk, now);
                used.Add((at, chunk));
                // The consumer spends a little time on the bytes before asking again.
                nextAt[c] = at + TimeSpan.FromTicks(random.Next(0, 10_000));
            }
            used.Sort((a, b) => a.At.CompareTo(b.At));
            long total = 0;
            foreach (var (at, bytes) in used)
            {
                total += bytes;
                var allowed = burst + rate * (at - T0).TotalSeconds;
                Assert.True(total <= allowed + 1, $"seed {seed}: {total} bytes by {(at - T0).TotalSeconds:F3} s, allowed {allowed:F0}");
            }
            var within = used.Where(u => u.At <= horizon).Sum(u => u.Bytes);
            var expected = burst + rate * 20.0;
            Assert.True(within >= expected * 0.97 - 128 * 1024 * consumers, $"seed {seed}: only {within} of {expected:F0} bytes in 20 s");
        }
    }

    [Fact]
    public void Concurrent_reservations_are_all_accounted_for()
    {
        var bucket = new TokenBucket(1_000_000, T0, burst: 1_000_000);
        const int threads = 8, perThread = 10_000;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (var i = 0; i < perThread; i++) bucket.Reserve(100, T0);
        });
        Assert.Equal(1_000_000 - threads * perThread * 100L, bucket.Available(T0));
    }
}
