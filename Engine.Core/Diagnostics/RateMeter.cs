namespace Engine.Core.Diagnostics;

/// <summary>
/// Bytes per second over a sliding window of one-second buckets. Pure: the caller passes the time.
/// Not thread-safe; owned by one actor.
/// </summary>
internal sealed class RateMeter
{
    private readonly long[] _buckets;
    private long _currentSecond = long.MinValue;
    private DateTimeOffset _start;
    private long _total;

    public RateMeter(int windowSeconds = 5)
    {
        if (windowSeconds < 1) throw new ArgumentOutOfRangeException(nameof(windowSeconds));
        _buckets = new long[windowSeconds];
    }

    /// <summary>All bytes ever added.</summary>
    public long Total => _total;

    public void Add(long bytes, DateTimeOffset now)
    {
        Advance(now);
        _buckets[(int)(_currentSecond % _buckets.Length)] += bytes;
        _total += bytes;
    }

    /// <summary>
    /// Bytes over the time the buckets cover: the completed seconds of the window plus the elapsed part of the
    /// current one — and never more than the time since the meter started, so a young transfer is not
    /// under-reported.
    /// </summary>
    public double Rate(DateTimeOffset now)
    {
        Advance(now);
        long sum = 0;
        foreach (var b in _buckets) sum += b;
        var covered = _buckets.Length - 1 + (now.ToUnixTimeMilliseconds() % 1000) / 1000.0;
        var sinceStart = (now - _start).TotalSeconds;
        var seconds = Math.Max(0.5, Math.Min(covered, sinceStart));
        return sum / seconds;
    }

    private void Advance(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        if (_currentSecond == long.MinValue) { _currentSecond = second; _start = now; return; }
        if (second <= _currentSecond) return;
        var steps = Math.Min(second - _currentSecond, _buckets.Length);
        for (long i = 1; i <= steps; i++)
            _buckets[(int)((_currentSecond + i) % _buckets.Length)] = 0;
        _currentSecond = second;
    }
}
