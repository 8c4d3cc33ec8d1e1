namespace Engine.Limits;

/// <summary>
/// Applies a chain of <see cref="TokenBucket"/>s (typically the torrent's and the engine's) to one
/// direction of one connection. The socket loops call <see cref="WaitAsync"/> with the bytes they are
/// about to send, or have just received, and are delayed until every bucket in the chain allows them.
/// Runs on the loops' own tasks, never on an actor thread. Thread-safe (the buckets are).
/// </summary>
internal sealed class Throttle
{
    /// <summary>A throttle that never waits.</summary>
    public static readonly Throttle None = new(TimeProvider.System);

    private readonly TokenBucket[] _buckets;
    private readonly TimeProvider _clock;

    public Throttle(TimeProvider clock, params TokenBucket[] buckets)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(buckets);
        _clock = clock;
        _buckets = buckets;
    }

    /// <summary>
    /// The buckets' common time base: <paramref name="clock"/>'s monotonic timestamp as a time span. Every
    /// throttle sharing a bucket must read the same clock.
    /// </summary>
    public static TimeSpan Now(TimeProvider clock) => clock.GetElapsedTime(0);

    /// <summary>True when at least one bucket in the chain has a rate.</summary>
    public bool IsLimited
    {
        get
        {
            foreach (var b in _buckets)
                if (!b.IsUnlimited) return true;
            return false;
        }
    }

    /// <summary>
    /// How many bytes a loop should move at once: <paramref name="max"/> when unlimited, otherwise about a
    /// tenth of a second at the slowest rate in the chain (at least 16 KiB and a header), so that waits are
    /// short and the flow smooth.
    /// </summary>
    public int ChunkSize(int max)
    {
        var chunk = (long)max;
        foreach (var b in _buckets)
        {
            var rate = b.Rate;
            if (rate > 0) chunk = Math.Min(chunk, Math.Max(TokenBucket.MinimumBurst, rate / 10));
        }
        return (int)Math.Min(chunk, max);
    }

    /// <summary>The longest wait any bucket asks for after taking <paramref name="bytes"/> from each of them.</summary>
    public TimeSpan Reserve(long bytes)
    {
        if (_buckets.Length == 0 || bytes == 0) return TimeSpan.Zero;
        var now = Now(_clock);
        var wait = TimeSpan.Zero;
        foreach (var b in _buckets)
        {
            var w = b.Reserve(bytes, now);
            if (w > wait) wait = w;
        }
        return wait;
    }

    /// <summary>Takes <paramref name="bytes"/> from every bucket and waits until they are paid for.</summary>
    public ValueTask WaitAsync(long bytes, CancellationToken ct)
    {
        var wait = Reserve(bytes);
        // Below a millisecond the timer would only add jitter; the debt is carried to the next call.
        return wait < TimeSpan.FromMilliseconds(1) ? ValueTask.CompletedTask : new ValueTask(Task.Delay(wait, _clock, ct));
    }
}
