using System.Diagnostics;
using Engine.Api;
using Engine.Events;

namespace Engine.Host.Commands;

/// <summary>
/// <c>seed &lt;file.torrent&gt; --data &lt;dir&gt;</c>: hash-checks the data in <c>dir</c> (always: no resume record is
/// trusted, none is left behind), then seeds it, printing a status line every few seconds, until
/// <c>--ratio</c> or <c>--seed-time</c> is reached or Ctrl+C / SIGTERM (which stops within two seconds).
/// Incomplete data is an error: the command never downloads into the directory it was given.
/// <c>--web &lt;port&gt;</c> serves the web UI and REST API over it meanwhile.
/// </summary>
public static class SeedCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = SeedArguments.Parse(args);
        var torrent = TorrentSession.Load(options.TorrentPath);
        if (!Directory.Exists(options.DataDirectory))
            throw new CommandLineException($"--data '{options.DataDirectory}' is not a directory");

        using var stop = new StopSignal();
        var resume = Directory.CreateTempSubdirectory("engine-seed-resume-");
        try
        {
            await using var session = await TorrentSession.StartAsync(options.Session, torrent, options.DataDirectory, resume.FullName, output);
            return await SeedAsync(session, options, stop, output);
        }
        finally
        {
            try { resume.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<int> SeedAsync(TorrentSession session, SeedArguments options, StopSignal stop, TextWriter output)
    {
        var interval = options.Session.StatusInterval;
        var name = session.Torrent.Name;
        var clock = Stopwatch.StartNew();

        // Hash check.
        TorrentSnapshot status;
        TimeSpan? lastPrinted = null;
        while ((status = await session.StatusAsync()).State == TorrentState.Checking)
        {
            if ((lastPrinted is null || clock.Elapsed - lastPrinted >= interval))
            {
                lastPrinted = clock.Elapsed;
                output.WriteLine($"checking {name}: {status.CheckProgress * 100:F1}%");
            }
            if (!await stop.DelayAsync(TimeSpan.FromMilliseconds(100))) break;
        }
        if (stop.Requested)
        {
            await session.StopAsync();
            output.WriteLine($"interrupted while checking {name}");
            return 1;
        }
        if (status.State != TorrentState.Seeding)
        {
            await session.StopAsync();
            var problem = status.Error ?? $"the data in '{options.DataDirectory}' is incomplete: {status.VerifiedPieces} of {status.PieceCount} pieces verified ({Format.Bytes(status.VerifiedBytes)} of {Format.Bytes(status.TotalBytes)}); 'download' completes it";
            Console.Error.WriteLine($"error: {problem}");
            return 1;
        }
        output.WriteLine($"checked {name}: {status.PieceCount}/{status.PieceCount} pieces ({Format.Bytes(status.TotalBytes)}) in {clock.Elapsed.TotalSeconds:F1} s; seeding on {session.Engine.ListenEndPoint}");
        session.AddPeers(options.Session.Peers);

        var seedingClock = Stopwatch.StartNew();
        var reason = await SeedingSession.RunAsync(session, output, options.Transfer.SeedLimits, interval, stop);
        status = await session.StatusAsync();
        await session.StopAsync();
        output.WriteLine($"stopped seeding {name}: {reason}");
        output.WriteLine($"  uploaded {Format.Bytes(status.Uploaded)} (ratio {SeedLimits.RatioOf(status.Uploaded, status.TotalBytes):F2}) in {seedingClock.Elapsed.TotalSeconds:F1} s");
        return reason.StartsWith("error", StringComparison.Ordinal) ? 1 : 0;
    }
}
