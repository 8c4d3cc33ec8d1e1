using System.Net;
using Engine.Api;
using Engine.Sharing;

namespace Engine.Host.Commands;

/// <summary>Starts a <see cref="SharedDirectory"/> for <c>share</c>/<c>fetch</c> and prints its events, one line each.</summary>
internal static class ShareConsole
{
    public static async Task<SharedDirectory> StartAsync(ShareArguments a, string directory, bool shareFiles)
    {
        var options = new ShareOptions
        {
            Directory = directory,
            Trackers = a.Trackers,
            QuietPeriod = a.QuietPeriod,
            ScanInterval = a.ScanInterval,
            Follow = a.Follow,
            ShareFiles = shareFiles,
            PublishToken = a.PublishToken,
        };
        var engine = new TorrentEngineOptions
        {
            ListenOn = new IPEndPoint(a.Bind, a.Port),
            UploadLimit = a.Transfer.MaxUploadKiB > 0 ? a.Transfer.MaxUploadKiB * 1024 : null,
            DownloadLimit = a.Transfer.MaxDownloadKiB > 0 ? a.Transfer.MaxDownloadKiB * 1024 : null,
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
            throw new CommandLineException(e.Message);
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
        FileShared s => $"shared: {s.Name} ({Format.Bytes(s.Size)}) {s.InfoHash} — {s.How}",
        FileUnshared u => $"unshared: {u.Name} {u.InfoHash} — {u.Reason}",
        FetchStarted f => $"fetching: {f.Name} ({Format.Bytes(f.Size)}) {f.InfoHash}{(f.Resumed ? " — resuming" : "")}",
        FetchCompleted c => $"fetched: {c.Name} ({Format.Bytes(c.Size)}) {c.InfoHash}",
        FetchFailed f => $"fetch failed: {f.What}: {f.Reason}",
        ShareProblem p => $"note: {p.Message}",
        _ => e.ToString(),
    };
}
