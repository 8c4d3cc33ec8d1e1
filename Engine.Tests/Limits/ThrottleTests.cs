using System.Diagnostics;
using Engine.Limits;

namespace Engine.Tests.Limits;

public sealed class ThrottleTests
{
    [Fact]
    public void A_chain_waits_for_its_slowest_bucket()
    {
        var now = Throttle.Now(TimeProvider.System);
        var torrent = new TokenBucket(100_000, now, burst: 20_000);
        var engine = new TokenBucket(50_000, now, burst: 20_000);
        var throttle = new Throttle(TimeProvider.System, torrent, engine);
        var wait = throttle.Reserve(70_000);
        // The engine bucket owes 50 000 bytes at 50 000 B/s; the torrent's 50 000 at 100 000 B/s.
        Assert.InRange(wait.TotalSeconds, 0.95, 1.0);
        Assert.True(throttle.IsLimited);
    }

    [Fact]
    public void Unlimited_chains_do_not_wait_and_move_whole_buffers()
    {
        var buckets = new BandwidthBuckets(RateLimits.Unlimited);
        var throttle = buckets.UploadThrottle(new BandwidthBuckets(RateLimits.Unlimited));
        Assert.False(throttle.IsLimited);
        Assert.Equal(TimeSpan.Zero, throttle.Reserve(1 << 30));
        Assert.True(throttle.WaitAsync(1 << 30, CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(64 * 1024, throttle.ChunkSize(64 * 1024));
        Assert.False(Throttle.None.IsLimited);
    }

    [Fact]
    public void The_chunk_is_a_tenth_of_a_second_at_the_slowest_rate_but_at_least_a_block()
    {
        var torrent = new BandwidthBuckets(new RateLimits(200_000, 0));
        var engine = new BandwidthBuckets(new RateLimits(400_000, 1_000));
        Assert.Equal(20_000, torrent.UploadThrottle(engine).ChunkSize(64 * 1024));
        Assert.Equal((int)TokenBucket.MinimumBurst, torrent.DownloadThrottle(engine).ChunkSize(64 * 1024));
        Assert.Equal(new RateLimits(200_000, 0), torrent.Limits);
        torrent.Set(new RateLimits(0, 0));
        Assert.Equal(64 * 1024, torrent.UploadThrottle(null).ChunkSize(64 * 1024));
    }

    [Fact]
    public async Task Parallel_waiters_never_exceed_the_rate_in_real_time()
    {
        const long rate = 4_000_000;
        var buckets = new BandwidthBuckets(new RateLimits(rate, 0));
        var burst = buckets.Upload.Burst;
        const int tasks = 4, chunk = 40_000, perTask = 30; // 4.8 MB: 1.2 s at 4 MB/s, less the burst
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(_ => Task.Run(async () =>
        {
            var throttle = buckets.UploadThrottle(null);
            for (var i = 0; i < perTask; i++) await throttle.WaitAsync(chunk, CancellationToken.None);
        })));
        var expected = (tasks * perTask * (double)chunk - burst) / rate;
        // Never faster than the rate allows; slower only by scheduling stalls of a busy machine.
        Assert.InRange(clock.Elapsed.TotalSeconds, expected * 0.97, expected + 2);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_at_once()
    {
        var throttle = new BandwidthBuckets(new RateLimits(1000, 0)).UploadThrottle(null);
        throttle.Reserve(1_000_000);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await throttle.WaitAsync(1000, cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
    }
}
