using System.Diagnostics;
using Akka.Actor;
using Engine.Hosting;
using Engine.Torrents;

namespace Engine.Host.Commands;

/// <summary>
/// The seeding phase shared by <c>seed</c> and <c>download --seed</c>: prints a status line every interval
/// (peers, upload rate, uploaded, ratio, time) until the <see cref="SeedLimits"/> are reached, the torrent
/// fails, or a stop is requested.
/// </summary>
public static class SeedingSession
{
    /// <summary>Runs until seeding should end; returns why, for the summary.</summary>
    public static async Task<string> RunAsync(IActorRef torrent, TextWriter output, SeedLimits limits, TimeSpan interval, StopSignal stop)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? lastPrinted = null;
        var poll = interval < TimeSpan.FromMilliseconds(250) ? interval : TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var status = await EngineSystem.StatusAsync(torrent);
            if (status.State == TorrentState.Error) return "error: " + status.Error;
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

    public static string Line(TorrentStatus s, TimeSpan seedingFor)
        => $"seeding {s.Name}: {s.Peers} peers, up {Format.Rate(s.UploadRate)}, uploaded {Format.Bytes(s.Uploaded)} " +
           $"(ratio {SeedLimits.RatioOf(s.Uploaded, s.TotalBytes):F2}), {Format.Duration(seedingFor)}";
}
