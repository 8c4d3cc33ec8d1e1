using System.Diagnostics;
using System.Net;
using Engine.Hosting;
using Engine.Metainfo;
using Engine.Torrents;

namespace Engine.Host.Commands;

/// <summary>
/// <c>seed &lt;file.torrent&gt; --data &lt;dir&gt;</c>: hash-checks the data in <c>dir</c> (always: no resume record is
/// trusted, none is left behind), then seeds it, printing a status line every few seconds, until
/// <c>--ratio</c> or <c>--seed-time</c> is reached or Ctrl+C / SIGTERM (which stops within two seconds).
/// Incomplete data is an error: the command never downloads into the directory it was given.
/// </summary>
public static class SeedCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = SeedArguments.Parse(args);
        TorrentMetainfo torrent;
        try { torrent = TorrentMetainfo.Load(options.TorrentPath); }
        catch (MetainfoException e) { throw new CommandLineException($"{options.TorrentPath}: {e.Message}"); }
        catch (IOException e) { throw new CommandLineException($"{options.TorrentPath}: {e.Message}"); }
        if (!Directory.Exists(options.DataDirectory))
            throw new CommandLineException($"--data '{options.DataDirectory}' is not a directory");

        var resume = Directory.CreateTempSubdirectory("engine-seed-resume-");
        try
        {
            return await SeedAsync(torrent, options, resume.FullName, output);
        }
        finally
        {
            try { resume.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<int> SeedAsync(TorrentMetainfo torrent, SeedArguments options, string resumeDirectory, TextWriter output)
    {
        var engineOptions = new EngineOptions
        {
            ListenOn = new IPEndPoint(options.ListenAddress, options.Port),
            ResumeDirectory = resumeDirectory,
            PeerManager = new Peers.PeerManagerSettings { MaxConnections = options.MaxPeers },
            Limits = options.Transfer.Limits,
        };
        using var stop = new StopSignal();
        var interval = TimeSpan.FromMilliseconds(options.StatusIntervalMs);
        await using var engine = EngineSystem.Start(engineOptions);
        var handle = await engine.AddAsync(torrent, options.DataDirectory);
        var clock = Stopwatch.StartNew();

        // Hash check.
        TorrentStatus status;
        TimeSpan? lastPrinted = null;
        while ((status = await EngineSystem.StatusAsync(handle)).State == TorrentState.Checking)
        {
            if ((lastPrinted is null || clock.Elapsed - lastPrinted >= interval))
            {
                lastPrinted = clock.Elapsed;
                output.WriteLine($"checking {torrent.Name}: {status.CheckProgress * 100:F1}%");
            }
            if (!await stop.DelayAsync(TimeSpan.FromMilliseconds(100))) break;
        }
        if (stop.Requested)
        {
            await EngineSystem.StopAsync(handle);
            output.WriteLine($"interrupted while checking {torrent.Name}");
            return 1;
        }
        if (status.State != TorrentState.Seeding)
        {
            await EngineSystem.StopAsync(handle);
            var problem = status.Error ?? $"the data in '{options.DataDirectory}' is incomplete: {status.VerifiedPieces} of {status.PieceCount} pieces verified ({Format.Bytes(status.VerifiedBytes)} of {Format.Bytes(status.TotalBytes)}); 'download' completes it";
            Console.Error.WriteLine($"error: {problem}");
            return 1;
        }
        var endPoint = await engine.ListenEndPointAsync();
        output.WriteLine($"checked {torrent.Name}: {status.PieceCount}/{status.PieceCount} pieces ({Format.Bytes(status.TotalBytes)}) in {clock.Elapsed.TotalSeconds:F1} s; seeding on {endPoint}");
        if (options.Peers.Count > 0)
            handle.Tell(new Peers.PeerManager.AddPeers(options.Peers), Akka.Actor.ActorRefs.NoSender);

        var seedingClock = Stopwatch.StartNew();
        var reason = await SeedingSession.RunAsync(handle, output, options.Transfer.SeedLimits, interval, stop);
        status = await EngineSystem.StatusAsync(handle);
        await EngineSystem.StopAsync(handle);
        output.WriteLine($"stopped seeding {torrent.Name}: {reason}");
        output.WriteLine($"  uploaded {Format.Bytes(status.Uploaded)} (ratio {SeedLimits.RatioOf(status.Uploaded, status.TotalBytes):F2}) in {seedingClock.Elapsed.TotalSeconds:F1} s");
        return reason.StartsWith("error", StringComparison.Ordinal) ? 1 : 0;
    }
}
