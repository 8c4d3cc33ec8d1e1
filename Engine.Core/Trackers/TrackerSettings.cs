namespace Engine.Core.Trackers;

/// <summary>Tracker client tunables.</summary>
internal sealed record TrackerSettings
{
    public int NumWant { get; init; } = 80;

    /// <summary>Bound on one HTTP announce or scrape (and on resolving a UDP tracker's host name).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Bound on the <c>stopped</c> announces when a torrent stops.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Shortest wait between regular announces, whatever the tracker says.</summary>
    public TimeSpan MinimumInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait after a round in which every tracker failed; doubles per failed round up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(30);

    public int MaxResponseBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>BEP 15: a UDP request unanswered after <c>UdpRetransmitBase · 2ⁿ</c> is sent again (n = retransmissions so far).</summary>
    public TimeSpan UdpRetransmitBase { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Retransmissions before a UDP tracker counts as failed (BEP 15 allows n up to 8, i.e. about two hours of
    /// waiting; 2 gives up after 15 + 30 + 60 s so that the next tracker of the list gets its turn).
    /// </summary>
    public int UdpMaxRetransmits { get; init; } = 2;

    /// <summary>BEP 15: a connection id is used for at most a minute, then a new one is asked for.</summary>
    public TimeSpan UdpConnectionIdLifetime { get; init; } = TimeSpan.FromMinutes(1);
}
