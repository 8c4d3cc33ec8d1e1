using System.Diagnostics;
using Engine.Api;
using Engine.Events;

namespace Engine.Host.Commands;

/// <summary>
/// <c>download &lt;file.torrent&gt; [-o dir] [--port N] [--max-peers N] [--peer host:port]...</c>: downloads with a
/// live progress line, prints a summary, exits 0 only when every piece is verified. Ctrl+C saves the
/// resume state and exits within two seconds. <c>--seed</c> keeps seeding after completion (status lines
/// as <c>seed</c> prints them) until <c>--ratio R</c>, <c>--seed-time &lt;seconds&gt;</c> or Ctrl+C;
/// <c>--max-upload</c> / <c>--max-download</c> limit the rates (KiB/s); <c>--web &lt;port&gt;</c> serves the web UI
/// and REST API over the download meanwhile.
/// </summary>
public static class DownloadCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var options = DownloadArguments.Parse(args);
        var torrent = TorrentSession.Load(options.TorrentPath);
        Directory.CreateDirectory(options.OutputDirectory);
        using var stopSignal = new StopSignal();
        await using var session = await TorrentSession.StartAsync(options.Session, torrent, options.OutputDirectory, options.StateDirectory, output);
        session.AddPeers(options.Session.Peers);

        var clock = Stopwatch.StartNew();
        var progress = new ProgressLine(output, Console.IsOutputRedirected, options.Session.StatusInterval);
        TorrentSnapshot status;
        var startupReported = false;
        string? seedingEnded = null;
        while (true)
        {
            status = await session.StatusAsync();
            if (!startupReported && status.Startup is { } startup)
            {
                startupReported = true;
                progress.Note($"resume: {startup.VerifiedPieces}/{status.PieceCount} pieces already verified ({startup.Source switch
                {
                    StartupSource.ResumeRecord => "fast-resume record",
                    StartupSource.HashCheck => "hash check of existing data",
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
                seedingEnded = await SeedingSession.RunAsync(session, output, options.Transfer.SeedLimits, options.Session.StatusInterval, stopSignal);
                break;
            }
            if (status.State is TorrentState.Error or TorrentState.Stopped) break;
            if (!await stopSignal.DelayAsync(TimeSpan.FromMilliseconds(100))) break; // completion is noticed within 0.1 s; the bar redraws at most every 0.5 s
        }
        status = await session.StatusAsync();
        if (seedingEnded is null) progress.Done();
        await session.StopAsync();
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
