using System.Diagnostics;
using Engine.Api;
using Engine.Events;

namespace Engine.Host.Commands;

/// <summary>
/// The seeding phase shared by <c>seed</c> and <c>download --seed</c>: prints a status line every interval
/// (peers, upload rate, uploaded, ratio, time) until the <see cref="SeedLimits"/> are reached, the torrent
/// fails or is removed (in the web UI), or a stop is requested.
/// </summary>
public static class SeedingSession
{
    /// <summary>Runs until seeding should end; returns why, for the summary.</summary>
    public static async Task<string> RunAsync(TorrentSession torrent, TextWriter output, SeedLimits limits, TimeSpan interval, StopSignal stop)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? lastPrinted = null;
        var poll = interval < TimeSpan.FromMilliseconds(250) ? interval : TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var status = await torrent.StatusAsync();
            if (status.State == TorrentState.Error) return "error: " + status.Error;
            if (status.State == TorrentState.Stopped) return "removed in the web ui";
            var reason = limits.Reached(status.Uploaded, status.TotalBytes, clock.Elapsed);
            if (reason is not null || (lastPrinted is null || clock.Elapsed - lastPrinted >= interval))
            {
                lastPrinted = clock.Elapsed;
                output.WriteLine(Line(status, clock.Elapsed));
            }
            if (reason is not null) return reason;
            if (!await stop.DelayAsync(poll)) return "interrupted";
        }
    }

    public static string Line(TorrentSnapshot s, TimeSpan seedingFor)
        => $"seeding {s.Name}: {s.Peers} peers, up {Format.Rate(s.UploadRate)}, uploaded {Format.Bytes(s.Uploaded)} " +
           $"(ratio {SeedLimits.RatioOf(s.Uploaded, s.TotalBytes):F2}), {Format.Duration(seedingFor)}";
}
