using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Engine.Api;
using Engine.Events;
using Engine.Host.Cli;
using Engine.Host.Output;

namespace Engine.Host.Commands;

/// <summary>
/// <c>seed &lt;file.torrent&gt; --data &lt;dir&gt;</c>: hash-checks the data in <c>dir</c> (always: no resume record is
/// trusted, none is left behind), then seeds it, printing a status line every few seconds, until
/// <c>--ratio</c> or <c>--seed-time</c> is reached or Ctrl+C / SIGTERM (which stops within two seconds; exit 0, as
/// seeding until stopped is the command's work). Incomplete data is an error: the command never downloads into the
/// directory it was given. <c>--files 0,2</c> / <c>--skip 1</c> seed a partial download: only the chosen files' pieces
/// are checked and served, the others may be absent. <c>--web &lt;port&gt;</c> serves the web UI and REST API over it meanwhile.
/// </summary>
public static class SeedCommand
{
    /// <summary>The parsed command line.</summary>
    public sealed record Arguments(string TorrentPath, string DataDirectory, SessionArguments Session, FileChoice? Files = null);

    /// <summary>Parses <c>seed</c>'s arguments (without running it); a mistake throws <see cref="UsageException"/>.</summary>
    public static Arguments Parse(params string[] args)
    {
        var d = new Definition();
        return CliParse.Read(d.Create(), args, d.Read);
    }

    public sealed class Definition
    {
        public Argument<string> Torrent { get; } = new("torrent") { Description = "the .torrent file of the data, or its http(s) URL" };

        public Option<string> Data { get; } = new("--data", "-d") { Description = "directory holding the torrent's files", HelpName = "dir", Required = true };

        public Option<string?> Skip { get; } = FileChoice.SkipOption("seed all files but these (they may be absent)");

        public SessionArguments.Set Session { get; } = new(download: false);

        public Command Create()
        {
            var command = new Command("seed", "hash-check complete data (or the files --files / --skip choose) and seed it") { Torrent, Data, Skip };
            Session.AddTo(command);
            return command;
        }

        public Arguments Read(ParseResult r, HostSettings settings)
            => new(r.GetValue(Torrent)!, r.GetValue(Data)!, Session.Read(r, settings), FileChoice.Parse(Session.Output.FileList(r), r.GetValue(Skip)));
    }

    public static Command Create(HostConsole console, GlobalOptions global)
    {
        var definition = new Definition();
        var command = definition.Create();
        command.SetAction((r, _) =>
        {
            console.Verbose = r.GetValue(global.Verbose);
            return RunAsync(definition.Read(r, global.Read(r)), console);
        });
        return command;
    }

    public static async Task<int> RunAsync(Arguments options, HostConsole console)
    {
        if (options.TorrentPath.StartsWith("magnet:", StringComparison.OrdinalIgnoreCase))
            throw new CommandLineException("seed checks the data against the torrent's metadata, which a magnet link does not carry: give the .torrent file or its URL, or 'download <magnet> -o <dir> --seed' (it fetches the metadata, finds the data complete and seeds)");
        var torrent = TorrentSource.IsUrl(options.TorrentPath) ? await TorrentSource.FetchAsync(options.TorrentPath) : TorrentSource.Load(options.TorrentPath);
        var data = Paths.ExistingDirectory(options.DataDirectory, "--data");
        var display = new TransferDisplay(console, options.Session.Output, options.Session.StatusInterval);
        using var stop = new StopSignal();
        var resume = Directory.CreateTempSubdirectory("engine-seed-resume-");
        try
        {
            await using var session = await TorrentSession.StartAsync(options.Session, new TorrentSource(options.TorrentPath, torrent, null), data, resume.FullName, display.Note, console.Verbose, options.Files, console.EarlyEngine);
            return await SeedAsync(session, options, display, stop, console);
        }
        finally
        {
            try { resume.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<int> SeedAsync(TorrentSession session, Arguments options, TransferDisplay display, StopSignal stop, HostConsole console)
    {
        var name = session.Torrent.Name;
        var clock = Stopwatch.StartNew();
        TorrentSnapshot status;
        var headerShown = false;
        while ((status = await session.StatusAsync()).State == TorrentState.Checking)
        {
            if (!headerShown)
            {
                headerShown = true;
                foreach (var line in StatusView.Header(status, display.Width)) display.Note(line);
            }
            display.ShowLine($"checking {name}: {StatusView.Percent(status.CheckProgress)}", status);
            if (!await stop.DelayAsync(TimeSpan.FromMilliseconds(100))) break;
        }
        display.Close();
        if (stop.Requested)
        {
            await session.StopAsync();
            console.Out.WriteLine($"interrupted while checking {name}");
            return ExitCodes.Interrupted;
        }
        if (status.State != TorrentState.Seeding)
        {
            await session.StopAsync();
            var problem = status.Error ?? $"the {(options.Files is null ? "data" : "chosen files' data")} in '{options.DataDirectory}' is incomplete: {status.VerifiedPieces} of {status.PieceCount} pieces verified ({Units.Bytes(status.VerifiedBytes)} of {Units.Bytes(status.TotalBytes)}); 'download' completes it";
            console.Error.WriteLine($"error: {problem}");
            return ExitCodes.Error;
        }
        var chosen = options.Files is null ? "" : " of the chosen files";
        display.Note($"checked {name}: {status.VerifiedPieces}/{status.PieceCount} pieces{chosen} ({Units.Bytes(status.VerifiedBytes)}) in {DownloadCommand.Seconds(clock.Elapsed)}; seeding on {session.Engine.ListenEndPoint?.ToString() ?? "no listener"}");
        session.AddPeers(options.Session.Peers);

        var seedingClock = Stopwatch.StartNew();
        var reason = await SeedingSession.RunAsync(session, display, options.Session.Transfer.SeedLimits, stop);
        display.Close();
        status = await session.StatusAsync();
        await session.StopAsync();
        console.Out.WriteLine($"stopped seeding {name}: {reason}");
        console.Out.WriteLine($"  uploaded {Units.Bytes(status.Uploaded)} (ratio {SeedLimits.RatioOf(status.Uploaded, status.TotalBytes).ToString("F2", CultureInfo.InvariantCulture)}) in {DownloadCommand.Seconds(seedingClock.Elapsed)}");
        if (reason.StartsWith("error", StringComparison.Ordinal))
        {
            console.Error.WriteLine(reason.Replace("error: ", "error: ", StringComparison.Ordinal));
            return ExitCodes.Error;
        }
        return ExitCodes.Ok;
    }
}
