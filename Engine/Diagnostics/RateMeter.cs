namespace Engine.Diagnostics;

/// <summary>
/// Bytes per second over a sliding window of one-second buckets. Pure: the caller passes the time.
/// Not thread-safe; owned by one actor.
/// </summary>
public sealed class RateMeter
{
    private readonly long[] _buckets;
    private long _currentSecond = long.MinValue;
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

    /// <summary>Average over the completed part of the window plus the current second.</summary>
    public double Rate(DateTimeOffset now)
    {
        Advance(now);
        long sum = 0;
        foreach (var b in _buckets) sum += b;
        return (double)sum / _buckets.Length;
    }

    private void Advance(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        if (_currentSecond == long.MinValue) { _currentSecond = second; return; }
        if (second <= _currentSecond) return;
        var steps = Math.Min(second - _currentSecond, _buckets.Length);
        for (long i = 1; i <= steps; i++)
            _buckets[(int)((_currentSecond + i) % _buckets.Length)] = 0;
        _currentSecond = second;
    }
}
