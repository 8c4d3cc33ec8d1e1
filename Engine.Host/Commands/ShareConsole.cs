using System.Net;
using Engine.Api;
using Engine.Host.Cli;
using Engine.Host.State;
using Engine.Sharing;

namespace Engine.Host.Commands;

/// <summary>Starts a <see cref="SharedDirectory"/> for <c>share</c>/<c>fetch</c> and prints its events, one line each.</summary>
internal static class ShareConsole
{
    public static async Task<SharedDirectory> StartAsync(ShareArguments a, string directory, bool shareFiles, TextWriter output)
    {
        var full = Paths.WritableDirectory(directory, shareFiles && a.Into is null ? "share" : "--into");
        var stateDirectory = a.Settings.State.ShareDirectory(full);
        if (StateMigration.MoveTree(Path.Combine(full, ".share-state"), stateDirectory) is { } moved) output.WriteLine(moved);
        var options = new ShareOptions
        {
            Directory = full,
            StateDirectory = stateDirectory,
            Trackers = a.Trackers,
            QuietPeriod = a.QuietPeriod,
            ScanInterval = a.ScanInterval,
            Follow = a.Follow,
            ShareFiles = shareFiles,
            PublishToken = a.PublishToken,
        };
        var engine = a.Settings.Engine with
        {
            ListenOn = new IPEndPoint(a.Listen.Address, a.Listen.Ports.Pick(a.Listen.Address)),
            UploadLimit = a.Transfer.UploadLimit,
            DownloadLimit = a.Transfer.DownloadLimit,
        };
        try
        {
            return await SharedDirectory.StartAsync(options, engine);
        }
        catch (ShareException e)
        {
            throw new CommandLineException(e.Message);
        }
        catch (TorrentEngineException e)
        {
            throw new CommandLineException(e.Message.StartsWith("cannot listen", StringComparison.Ordinal) ? e.Message + " (choose another --port)" : e.Message);
        }
    }

    /// <summary>Prints events until <paramref name="stop"/> fires or <paramref name="done"/> says so for an event (then returns that event).</summary>
    public static async Task<ShareEvent?> PrintEventsAsync(SharedDirectory share, TextWriter output, Func<ShareEvent, bool>? done, CancellationToken stop)
    {
        try
        {
            await foreach (var e in share.Events.ReadAllAsync(stop))
            {
                lock (output) output.WriteLine(Describe(e));
                output.Flush();
                if (done?.Invoke(e) == true) return e;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    public static string Describe(ShareEvent e) => e switch
    {
        FileShared s => $"shared: {s.Name} ({Units.Bytes(s.Size)}) {s.InfoHash} — {s.How}",
        FileUnshared u => $"unshared: {u.Name} {u.InfoHash} — {u.Reason}",
        FetchStarted f => $"fetching: {f.Name} ({Units.Bytes(f.Size)}) {f.InfoHash}{(f.Resumed ? " — resuming" : "")}",
        FetchCompleted c => $"fetched: {c.Name} ({Units.Bytes(c.Size)}) {c.InfoHash}",
        FetchFailed f => $"fetch failed: {f.What}: {f.Reason}",
        ShareProblem p => $"note: {p.Message}",
        _ => e.ToString(),
    };
}
