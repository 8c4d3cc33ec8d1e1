using System.Diagnostics;
using System.Net;
using Engine.Hosting;
using Engine.Metainfo;
using Engine.Torrents;

namespace Engine.Host.Commands;

/// <summary>
/// <c>download &lt;file.torrent&gt; [-o dir] [--port N] [--max-peers N] [--peer host:port]...</c>: downloads with a
/// live progress line, prints a summary, exits 0 only when every piece is verified. Ctrl+C saves the
/// resume state and exits within two seconds. <c>--seed</c> keeps seeding after completion (status lines
/// as <c>seed</c> prints them) until <c>--ratio R</c>, <c>--seed-time &lt;seconds&gt;</c> or Ctrl+C;
/// <c>--max-upload</c> / <c>--max-download</c> limit the rates (KiB/s).
/// </summary>
public static class DownloadCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = DownloadArguments.Parse(args);
        TorrentMetainfo torrent;
        try { torrent = TorrentMetainfo.Load(options.TorrentPath); }
        catch (MetainfoException e) { throw new CommandLineException($"{options.TorrentPath}: {e.Message}"); }
        catch (IOException e) { throw new CommandLineException($"{options.TorrentPath}: {e.Message}"); }

        Directory.CreateDirectory(options.OutputDirectory);
        var engineOptions = new EngineOptions
        {
            ListenOn = new IPEndPoint(options.ListenAddress, options.Port),
            ResumeDirectory = options.ResumeDirectory ?? Path.Combine(options.OutputDirectory, ".resume"),
            PeerManager = new Peers.PeerManagerSettings { MaxConnections = options.MaxPeers },
            Limits = options.Transfer.Limits,
        };
        await using var engine = EngineSystem.Start(engineOptions);
        var handle = await engine.AddAsync(torrent, options.OutputDirectory);
        if (options.Peers.Count > 0)
            handle.Tell(new Peers.PeerManager.AddPeers(options.Peers), Akka.Actor.ActorRefs.NoSender);

        using var stopSignal = new StopSignal();
        var clock = Stopwatch.StartNew();
        var progress = new ProgressLine(output, Console.IsOutputRedirected, TimeSpan.FromMilliseconds(options.StatusIntervalMs));
        TorrentStatus status;
        var startupReported = false;
        string? seedingEnded = null;
        while (true)
        {
            status = await EngineSystem.StatusAsync(handle);
            if (!startupReported && status.Startup is { } startup)
            {
                startupReported = true;
                progress.Note($"resume: {startup.VerifiedPieces}/{status.PieceCount} pieces already verified ({startup.Source switch
                {
                    Storage.StartupSource.ResumeRecord => "fast-resume record",
                    Storage.StartupSource.HashCheck => "hash check of existing data",
                    _ => "no data on disk yet",
                }})");
            }
            progress.Show(status);
            if (status.IsComplete && status.State == TorrentState.Seeding)
            {
                if (!options.Seed) break;
                progress.Done();
                output.WriteLine($"completed {status.Name} in {clock.Elapsed.TotalSeconds:F1} s; seeding" +
                    (options.Transfer.SeedLimits.IsForever ? " until Ctrl+C" : ""));
                seedingEnded = await SeedingSession.RunAsync(handle, output, options.Transfer.SeedLimits,
                    TimeSpan.FromMilliseconds(options.StatusIntervalMs), stopSignal);
                break;
            }
            if (status.State == TorrentState.Error) break;
            if (!await stopSignal.DelayAsync(TimeSpan.FromMilliseconds(100))) break; // completion is noticed within 0.1 s; the bar redraws at most every 0.5 s
        }
        status = await EngineSystem.StatusAsync(handle);
        if (seedingEnded is null) progress.Done();
        await EngineSystem.StopAsync(handle);
        var elapsed = clock.Elapsed;
        output.WriteLine($"{(status.IsComplete ? "completed" : stopSignal.Requested ? "interrupted" : "stopped")}: {status.Name}");
        if (seedingEnded is not null)
            output.WriteLine($"  stopped seeding: {seedingEnded}; ratio {SeedLimits.RatioOf(status.Uploaded, status.TotalBytes):F2}");
        output.WriteLine($"  verified {Format.Bytes(status.VerifiedBytes)} of {Format.Bytes(status.TotalBytes)} ({status.VerifiedPieces}/{status.PieceCount} pieces)");
        output.WriteLine($"  downloaded {Format.Bytes(status.Downloaded)}, uploaded {Format.Bytes(status.Uploaded)} in {elapsed.TotalSeconds:F1} s, average {Format.Rate(status.Downloaded / Math.Max(0.001, elapsed.TotalSeconds))}");
        output.WriteLine(FormattableString.Invariant(
            $"summary: verified={status.VerifiedBytes} total={status.TotalBytes} downloaded={status.Downloaded} uploaded={status.Uploaded} seconds={elapsed.TotalSeconds:F3} allocated={GC.GetTotalAllocatedBytes()} gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} cpu={Environment.CpuUsage.TotalTime.TotalSeconds:F2}"));
        if (status.HashFailures > 0) output.WriteLine($"  {status.HashFailures} pieces failed the hash check and were fetched again");
        if (status.Error is not null)
        {
            Console.Error.WriteLine($"error: {status.Error}");
            return 1;
        }
        return status.IsComplete ? 0 : 1;
    }
}
