using System.Net;

namespace Engine.Core.Dht;

/// <summary>
/// Rations the queries we answer: per source address (a token bucket of <c>perSource</c> queries a second, bursts of
/// twice that) and for all sources together. The table of sources is bounded: when full, idle sources are forgotten,
/// and while it stays full new sources share one bucket — so a flood from spoofed addresses cannot grow memory.
/// </summary>
internal sealed class QueryRateLimiter(double perSource = 20, double total = 1000, int maxSources = 4096)
{
    private sealed class Bucket(double tokens, DateTimeOffset at)
    {
        public double Tokens = tokens;
        public DateTimeOffset At = at;
    }

    private readonly Dictionary<IPAddress, Bucket> _sources = new();
    private readonly Bucket _all = new(total, default);
    private readonly Bucket _overflow = new(perSource * 2, default);

    public int Sources => _sources.Count;
    public long Refused { get; private set; }

    public bool Allow(IPAddress source, DateTimeOffset now)
    {
        if (!_sources.TryGetValue(source, out var bucket))
        {
            if (_sources.Count >= maxSources) Forget(now);
            bucket = _sources.Count < maxSources ? _sources[source] = new Bucket(perSource * 2, now) : _overflow;
        }
        if (Take(bucket, perSource, now) && Take(_all, total, now)) return true;
        Refused++;
        return false;
    }

    private static bool Take(Bucket bucket, double rate, DateTimeOffset now)
    {
        var elapsed = (now - bucket.At).TotalSeconds;
        if (elapsed > 0) bucket.Tokens = Math.Min(rate * 2, bucket.Tokens + elapsed * rate);
        bucket.At = now;
        if (bucket.Tokens < 1) return false;
        bucket.Tokens--;
        return true;
    }

    private void Forget(DateTimeOffset now)
    {
        List<IPAddress>? idle = null;
        foreach (var (address, b) in _sources)
            if (now - b.At > TimeSpan.FromSeconds(10)) (idle ??= []).Add(address);
        if (idle is not null) foreach (var a in idle) _sources.Remove(a);
    }
}
