namespace Engine.Bench.Scale;

/// <summary>What one phase (ours leeching, or ours seeding) measured.</summary>
public sealed record PhaseResult(string Name)
{
    public bool Ok { get; init; } = true;
    public string? Error { get; init; }
    public double Seconds { get; init; }
    public long Bytes { get; init; }
    /// <summary>The part of the run with every torrent active (leeching: until the first completed).</summary>
    public double AllActiveSeconds { get; init; }
    /// <summary>Status reads (one per torrent per second) the engine did not answer within its 5 s bound.</summary>
    public int StatusTimeouts { get; init; }
    public double OursCpuSeconds { get; init; }
    public double LibtorrentCpuSeconds { get; init; }
    public double PeakRssMiB { get; init; }
    public int Gen0 { get; init; }
    public int Gen1 { get; init; }
    public int Gen2 { get; init; }
    public double LoadBefore { get; init; }
    public double LoadAfter { get; init; }
    public double WalkMs { get; init; }
    public double IntervalSeconds { get; init; }
    /// <summary>The machine's dirty and writeback page cache at its highest (disk writes waiting), /proc/meminfo.</summary>
    public double DirtyMaxMiB { get; init; }
    /// <summary>Aggregate MB/s in each slice of about 5 seconds (longer when status reads were slow).</summary>
    public IReadOnlyList<double> RateSlices { get; init; } = [];
    public IReadOnlyList<KindSamples> Kinds { get; init; } = [];

    public double MBps => Seconds > 0 ? Bytes / Seconds / 1e6 : 0;
}
