namespace Engine.Limits;

/// <summary>
/// A token bucket that lends: <see cref="Reserve"/> always takes the bytes at once (the balance may go
/// negative) and says how long the caller must wait before using them, which is the time the bucket
/// needs to refill to zero. A bucket shared by many callers therefore serves them in the order they
/// reserved, and over any interval at most <see cref="Burst"/> + rate × time bytes are granted without
/// a wait. Pure and thread-safe: the caller passes the time (a monotonic clock's elapsed time), every
/// member takes a lock for a few arithmetic operations. A rate of 0 means unlimited.
/// </summary>
internal sealed class TokenBucket
{
    /// <summary>The smallest burst: one block plus its message header, so a block is never split across waits.</summary>
    public const long MinimumBurst = 16 * 1024 + 13;

    private readonly Lock _lock = new();
    private long _rate;
    private long _burst;
    private double _tokens;
    private TimeSpan _last;

    /// <param name="bytesPerSecond">The rate; 0 for unlimited.</param>
    /// <param name="now">The current time on the caller's monotonic clock.</param>
    /// <param name="burst">Bytes that may pass at once after an idle spell; by default a quarter second's worth (at least <see cref="MinimumBurst"/>).</param>
    public TokenBucket(long bytesPerSecond, TimeSpan now, long? burst = null)
    {
        _last = now;
        Set(bytesPerSecond, now, burst);
        _tokens = _burst;
    }

    /// <summary>Bytes per second; 0 when unlimited.</summary>
    public long Rate { get { lock (_lock) return _rate; } }

    public long Burst { get { lock (_lock) return _burst; } }

    public bool IsUnlimited => Rate == 0;

    /// <summary>Changes the rate (and burst). Debt already owed is kept; tokens above the new burst are dropped.</summary>
    public void Set(long bytesPerSecond, TimeSpan now, long? burst = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        if (burst is < 1) throw new ArgumentOutOfRangeException(nameof(burst), burst, "the burst must be positive");
        lock (_lock)
        {
            Refill(now);
            _rate = bytesPerSecond;
            _burst = burst ?? Math.Max(MinimumBurst, bytesPerSecond / 4);
            if (_tokens > _burst) _tokens = _burst;
        }
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> now and returns how long to wait before sending or receiving them
    /// (zero when the bucket held enough). Never fails: large reservations simply wait longer.
    /// </summary>
    public TimeSpan Reserve(long bytes, TimeSpan now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_lock)
        {
            if (_rate == 0) return TimeSpan.Zero;
            Refill(now);
            _tokens -= bytes;
            if (_tokens >= 0) return TimeSpan.Zero;
            return TimeSpan.FromTicks((long)Math.Ceiling(-_tokens * TimeSpan.TicksPerSecond / _rate));
        }
    }

    /// <summary>Tokens available now (negative while in debt); <see cref="long.MaxValue"/> when unlimited.</summary>
    public long Available(TimeSpan now)
    {
        lock (_lock)
        {
            if (_rate == 0) return long.MaxValue;
            Refill(now);
            return (long)Math.Floor(_tokens);
        }
    }

    private void Refill(TimeSpan now)
    {
        var elapsed = now - _last;
        if (elapsed <= TimeSpan.Zero) return; // a clock read on another thread a moment earlier: nothing to add
        _last = now;
        if (_rate == 0) { _tokens = _burst; return; }
        _tokens = Math.Min(_burst, _tokens + elapsed.Ticks * (double)_rate / TimeSpan.TicksPerSecond);
    }
}
