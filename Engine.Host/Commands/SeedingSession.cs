using System.Diagnostics;
using System.Globalization;
using Engine.Api;
using Engine.Events;
using Engine.Host.Cli;
using Engine.Host.Output;

namespace Engine.Host.Commands;

/// <summary>
/// The seeding phase shared by <c>seed</c> and <c>download --seed</c>: a status line every interval (peers, upload rate,
/// uploaded, ratio, time; redrawn in place on a terminal) until the <see cref="SeedLimits"/> are reached, the torrent
/// fails or is removed (in the web UI), or a stop is requested.
/// </summary>
public static class SeedingSession
{
    /// <summary>Runs until seeding should end; returns why, for the summary.</summary>
    public static async Task<string> RunAsync(TorrentSession torrent, TransferDisplay display, SeedLimits limits, StopSignal stop)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await torrent.StatusAsync();
            if (status.State == TorrentState.Error) return "error: " + status.Error;
            if (status.State == TorrentState.Stopped) return "removed in the web ui";
            var reason = limits.Reached(status.Uploaded, status.TotalBytes, clock.Elapsed);
            display.Origins = await torrent.OriginsAsync();
            if (await torrent.PortMappingNoteAsync() is { } mapping) display.Note(mapping);
            display.ShowLine(Line(status, clock.Elapsed), status, force: reason is not null);
            if (reason is not null) return reason;
            if (!await stop.DelayAsync(TimeSpan.FromMilliseconds(250))) return "interrupted";
        }
    }

    public static string Line(TorrentSnapshot s, TimeSpan seedingFor)
        => $"seeding {s.Name}: {s.Peers} peers, up {Units.Rate(s.UploadRate)}, uploaded {Units.Bytes(s.Uploaded)} " +
           $"(ratio {SeedLimits.RatioOf(s.Uploaded, s.TotalBytes).ToString("F2", CultureInfo.InvariantCulture)}), {Units.Clock(seedingFor)}";
}
