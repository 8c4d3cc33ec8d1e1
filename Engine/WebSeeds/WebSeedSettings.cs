namespace Engine.WebSeeds;

/// <summary>How a web seed is used: requests in flight, their size, timeouts, redirects and the retry policy.</summary>
internal sealed record WebSeedSettings
{
    /// <summary>HTTP requests running at once to one web seed (each on its own pooled connection).</summary>
    public int MaxInFlight { get; init; } = 4;

    /// <summary>The most bytes one request asks for (contiguous blocks, across pieces when they follow each other).</summary>
    public int MaxRunBytes { get; init; } = 1 << 20;

    /// <summary>A request with no byte received for this long (headers or body) has failed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxRedirects { get; init; } = 5;

    /// <summary>The first wait after a failure (doubling for each failure in a row).</summary>
    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan LongestRetry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Failures in a row after which the web seed is given up (until the swarm starts again).</summary>
    public int MaxFailures { get; init; } = 8;

    /// <summary>The address requests leave from: the engine's listen address when it names one; null: wherever the system routes.</summary>
    public System.Net.IPAddress? Source { get; init; }

    /// <summary>Blocks one web seed may have claimed at once: every request in flight full.</summary>
    internal int Window => MaxInFlight * (MaxRunBytes / Core.Primitives.TorrentLayout.BlockSize);
}
