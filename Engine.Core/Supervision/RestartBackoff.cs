namespace Engine.Core.Supervision;

/// <summary>
/// How long a parent waits before it starts again a child that failed: <see cref="First"/> after a first failure,
/// doubling with each failure in a row up to <see cref="Max"/>. A child that had run for <see cref="StableAfter"/>
/// when it failed counts as recovered, and the count starts over. One instance per child slot (the tracker client
/// of a torrent, the engine's listener). Pure: the caller passes the time. Not thread-safe; owned by one actor.
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan DefaultFirst = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMax = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultStableAfter = TimeSpan.FromMinutes(1);

    private DateTimeOffset? _startedAt;

    public RestartBackoff(TimeSpan? first = null, TimeSpan? max = null, TimeSpan? stableAfter = null)
    {
        First = first ?? DefaultFirst;
        Max = max ?? DefaultMax;
        StableAfter = stableAfter ?? DefaultStableAfter;
        if (First <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(first), "the first delay must be positive");
        if (Max < First) throw new ArgumentOutOfRangeException(nameof(max), "the cap must not be below the first delay");
        if (StableAfter < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(stableAfter));
    }

    public TimeSpan First { get; }
    public TimeSpan Max { get; }
    public TimeSpan StableAfter { get; }

    /// <summary>Failures in a row so far (the next delay is <see cref="First"/> · 2^Failures, capped).</summary>
    public int Failures { get; private set; }

    /// <summary>The child was (re)started at <paramref name="now"/>.</summary>
    public void Started(DateTimeOffset now) => _startedAt = now;

    /// <summary>The child failed (or stopped unexpectedly) at <paramref name="now"/>: returns how long to wait before starting it again.</summary>
    public TimeSpan Failed(DateTimeOffset now)
    {
        if (_startedAt is { } started && now - started >= StableAfter) Failures = 0;
        _startedAt = null;
        var delay = First;
        for (var i = 0; i < Failures && delay < Max; i++) delay += delay;
        Failures++;
        return delay < Max ? delay : Max;
    }
}
