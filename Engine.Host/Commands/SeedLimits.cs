using System.Globalization;
using Engine.Host.Cli;

namespace Engine.Host.Commands;

/// <summary>
/// When a seeding session ends by itself: after uploading <see cref="Ratio"/> times the torrent's size, or after
/// <see cref="SeedTime"/> of seeding, whichever comes first. Neither set: seed until interrupted.
/// The ratio is uploaded bytes over the torrent's size, so it means the same for a fresh download and for data
/// that was already complete (where nothing was downloaded).
/// </summary>
public sealed record SeedLimits(double? Ratio, TimeSpan? SeedTime)
{
    public static SeedLimits Forever { get; } = new(null, null);

    public bool IsForever => Ratio is null && SeedTime is null;

    public static double RatioOf(long uploaded, long totalBytes) => totalBytes <= 0 ? 0 : (double)uploaded / totalBytes;

    /// <summary>The reason seeding should stop now, or null to go on.</summary>
    public string? Reached(long uploaded, long totalBytes, TimeSpan seedingFor)
    {
        if (Ratio is { } ratio && RatioOf(uploaded, totalBytes) >= ratio)
            return string.Create(CultureInfo.InvariantCulture, $"ratio {RatioOf(uploaded, totalBytes):F2} reached (--ratio {ratio:0.##})");
        if (SeedTime is { } time && seedingFor >= time)
            return $"seeded for {Opt.Human(TimeSpan.FromSeconds(Math.Round(seedingFor.TotalSeconds)))} (--seed-time {Opt.Human(time)})";
        return null;
    }
}
