namespace Engine.Core.WebSeeds;

/// <summary>
/// When a web seed may be asked again after a failure (an error status, a bad reply, a broken connection, a 503).
/// Each failure in a row doubles the wait from <see cref="First"/> up to <see cref="Longest"/>; a server's
/// <c>Retry-After</c> is honoured when it asks for longer (capped at <see cref="Longest"/>). After
/// <see cref="MaxFailures"/> failures in a row the web seed is given up. A success starts again from nothing.
/// </summary>
internal sealed class WebSeedBackoff(TimeSpan first, TimeSpan longest, int maxFailures)
{
    public WebSeedBackoff() : this(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), 8) { }

    public TimeSpan First { get; } = first;
    public TimeSpan Longest { get; } = longest;
    public int MaxFailures { get; } = maxFailures;

    /// <summary>Failures in a row since the last success.</summary>
    public int Failures { get; private set; }

    /// <summary>Not to be asked before this (null: now).</summary>
    public DateTimeOffset? RetryAt { get; private set; }

    /// <summary>Too many failures in a row: the web seed is not used again.</summary>
    public bool GaveUp => Failures >= MaxFailures;

    public bool MayAsk(DateTimeOffset now) => !GaveUp && (RetryAt is not { } at || now >= at);

    public void Succeeded()
    {
        Failures = 0;
        RetryAt = null;
    }

    /// <summary>Records a failure at <paramref name="now"/>; returns how long to wait (meaningless once <see cref="GaveUp"/>).</summary>
    public TimeSpan Failed(DateTimeOffset now, TimeSpan? retryAfter = null)
    {
        Failures++;
        var wait = First;
        for (var i = 1; i < Failures && wait < Longest; i++) wait += wait;
        if (retryAfter is { } asked && asked > wait) wait = asked;
        if (wait > Longest) wait = Longest;
        RetryAt = now + wait;
        return wait;
    }
}
