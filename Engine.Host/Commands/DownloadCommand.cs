using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Engine.Api;
using Engine.Events;
using Engine.Host.Cli;
using Engine.Host.Output;
using Engine.Host.State;

namespace Engine.Host.Commands;

/// <summary>
/// <c>download &lt;file.torrent | magnet&gt;</c>: prints the torrent's name, size and destination, shows a live progress
/// display (or a plain/JSON line per interval when redirected), says why when it stalls, and prints a summary. Exit 0
/// once every piece is verified, 130 when Ctrl+C stopped it first (the resume state is saved within two seconds), 1 on
/// error. <c>--seed</c> keeps seeding after completion until <c>--ratio</c>, <c>--seed-time</c> or Ctrl+C; <c>--web</c>
/// serves the web UI and REST API over the download meanwhile.
/// </summary>
public static class DownloadCommand
{
    public static Command Create(HostConsole console, GlobalOptions global)
    {
        var definition = new DownloadArguments.Definition();
        var command = definition.Create();
        command.SetAction((r, _) =>
        {
            console.Verbose = r.GetValue(global.Verbose);
            return RunAsync(definition.Read(r, global.Read(r)), console);
        });
        return command;
    }

    public static async Task<int> RunAsync(DownloadArguments options, HostConsole console)
    {
        var source = await TorrentSource.ResolveAsync(options.Source);
        var output = Paths.WritableDirectory(options.OutputDirectory, "-o");
        var display = new TransferDisplay(console, options.Session.Output, options.Session.StatusInterval);
        var stateDirectory = options.StateDirectory;
        if (stateDirectory is null)
            foreach (var moved in StateMigration.MoveAll(output, options.Session.Settings.State.ResumeDirectory, ".resume")) display.Note(moved);

        using var stopSignal = new StopSignal();
        await using var session = await TorrentSession.StartAsync(options.Session, source, output, stateDirectory, display.Note, console.Verbose, options.Files, console.EarlyEngine);
        session.AddPeers(options.Session.Peers);
        display.Note(session.Engine.ListenEndPoint is { } listen ? $"peers: listening on {listen}" : "peers: not listening (dialing out only)");

        var clock = Stopwatch.StartNew();
        var sinceData = Stopwatch.StartNew();
        TorrentSnapshot status;
        var headerShown = false;
        var startupReported = false;
        string? seedingEnded = null;
        IReadOnlyList<TrackerSnapshot> trackers = [];
        TimeSpan? trackersRead = null;
        while (true)
        {
            status = await session.StatusAsync();
            if (!headerShown && status.PieceCount > 0)
            {
                headerShown = true;
                foreach (var line in StatusView.Header(status, display.Width)) display.Note(line);
            }
            if (!startupReported && status.Startup is { } startup)
            {
                startupReported = true;
                display.Note($"resume: {startup.VerifiedPieces}/{status.PieceCount} pieces already verified ({startup.Source switch
                {
                    StartupSource.ResumeRecord => "fast-resume record",
                    StartupSource.HashCheck => "hash check of existing data",
                    _ => "no data on disk yet",
                }})");
            }
            if (status.DownloadRate > 0 || status.State is not (TorrentState.Downloading or TorrentState.FetchingMetadata)) sinceData.Restart();
            string? stalled = null;
            if (sinceData.Elapsed >= StallReason.After)
            {
                if (trackersRead is null || clock.Elapsed - trackersRead >= TimeSpan.FromSeconds(2))
                {
                    trackers = await session.TrackersAsync();
                    trackersRead = clock.Elapsed;
                }
                stalled = StallReason.Of(status, trackers, sinceData.Elapsed);
            }
            display.Origins = await session.OriginsAsync();
            if (await session.PortMappingNoteAsync() is { } mapping) display.Note(mapping);
            display.Show(status, stalled);
            if (status.IsComplete && status.State == TorrentState.Seeding)
            {
                display.Show(status, null, force: true);
                display.Close();
                if (!options.Seed) break;
                display.Note($"completed {status.Name} in {Seconds(clock.Elapsed)}; seeding" + (options.Transfer.SeedLimits.IsForever ? " until Ctrl+C" : ""));
                seedingEnded = await SeedingSession.RunAsync(session, display, options.Transfer.SeedLimits, stopSignal);
                break;
            }
            if (status.State is TorrentState.Error or TorrentState.Stopped) break;
            if (!await stopSignal.DelayAsync(TimeSpan.FromMilliseconds(100))) break; // completion is noticed within 0.1 s
        }
        status = await session.StatusAsync();
        display.Close();
        await session.StopAsync();
        var elapsed = clock.Elapsed;
        var result = status.IsComplete ? "completed" : stopSignal.Requested ? "interrupted" : status.Error is not null ? "failed" : "stopped";
        if (options.Session.Output.Json)
            display.WriteJson(JsonStatus.Of(status, null, "summary") with { Result = result });
        else
        {
            // On a terminal the lines fit its width (a long name is cut); the path has a line of its own, whole, to copy.
            string Fitted(string line) => console.Interactive ? Fit.To(line, console.Width - 1) : line;
            console.Out.WriteLine(Fitted($"{result}: {status.Name}"));
            console.Out.WriteLine($"  in {status.SaveDirectory}");
            if (seedingEnded is not null)
                console.Out.WriteLine($"  stopped seeding: {seedingEnded}; ratio {SeedLimits.RatioOf(status.Uploaded, status.TotalBytes).ToString("F2", CultureInfo.InvariantCulture)}");
            console.Out.WriteLine($"  verified {Units.Bytes(status.VerifiedBytes)} of {Units.Bytes(status.TotalBytes)} ({status.VerifiedPieces}/{status.PieceCount} pieces)");
            console.Out.WriteLine($"  downloaded {Units.Bytes(status.Downloaded)}, uploaded {Units.Bytes(status.Uploaded)} in {Seconds(elapsed)}, average {Units.Rate(status.Downloaded / Math.Max(0.001, elapsed.TotalSeconds))}");
            if (status.HashFailures > 0) console.Out.WriteLine($"  {status.HashFailures} pieces failed the hash check and were fetched again");
            if (!status.IsComplete && stopSignal.Requested) console.Out.WriteLine("  the resume state is saved: the same command goes on from here");
        }
        if (console.Verbose)
            console.Out.WriteLine(FormattableString.Invariant(
                $"summary: verified={status.VerifiedBytes} total={status.TotalBytes} downloaded={status.Downloaded} uploaded={status.Uploaded} seconds={elapsed.TotalSeconds:F3} allocated={GC.GetTotalAllocatedBytes()} gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} cpu={Environment.CpuUsage.TotalTime.TotalSeconds:F2}"));
        if (status.Error is not null)
        {
            console.Error.WriteLine($"error: {status.Error}");
            return ExitCodes.Error;
        }
        if (status.IsComplete) return seedingEnded?.StartsWith("error", StringComparison.Ordinal) == true ? ExitCodes.Error : ExitCodes.Ok;
        return stopSignal.Requested ? ExitCodes.Interrupted : ExitCodes.Error;
    }

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
