using Engine.Api;
using Engine.Sharing;

namespace Engine.Host.Commands;

/// <summary>
/// <c>fetch &lt;name | info-hash&gt; --tracker &lt;url&gt; --into &lt;dir&gt; [--once]</c>: finds the torrent in the tracker's
/// catalog and downloads it into the directory (resuming a partial download), then keeps running as a share of that
/// directory — or, with <c>--once</c>, exits 0 as soon as the file is complete.
/// </summary>
public static class FetchCommand
{
    public const string Usage = """
        usage: Engine.Host fetch <name | info-hash> --tracker <url> --into <dir> [--once] [--port <n>] [--bind <address>]
                                 [--status-interval <seconds>] [--max-upload KiB/s] [--max-download KiB/s]
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        using var stop = new StopSignal();
        return await RunAsync(args, output, stop.Token);
    }

    internal static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken stop)
    {
        var a = ShareArguments.Parse(args, fetch: true);
        var share = await ShareConsole.StartAsync(a, a.Into!, shareFiles: !a.Once);
        await using (share)
        {
            FetchResult result;
            try
            {
                result = await share.FetchAsync(a.Target);
            }
            catch (ShareException e)
            {
                throw new CommandLineException($"cannot fetch '{a.Target}': {e.Message}");
            }
            output.WriteLine(result.AlreadyComplete
                ? $"already here: {result.Name} ({Format.Bytes(result.Size)}) {result.InfoHash} in {share.Directory}"
                : $"found in the catalog: {result.Name} ({Format.Bytes(result.Size)}) {result.InfoHash}; downloading into {share.Directory}");
            output.Flush();
            using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var finished = result.AlreadyComplete ? Task.FromResult<ShareEvent?>(null) : ShareConsole.PrintEventsAsync(share, output,
                e => e is FetchCompleted c && c.InfoHash == result.InfoHash || e is FetchFailed f && f.What == result.Name, done.Token);
            var progress = PrintProgressAsync(result.Handle, output, a.StatusInterval, done.Token);
            var last = await finished;
            await done.CancelAsync();
            await progress;
            var completed = result.AlreadyComplete || last is FetchCompleted;
            if (last is FetchFailed failed) Console.Error.WriteLine($"error: {failed.Reason}");
            if (!completed)
            {
                output.WriteLine(stop.IsCancellationRequested ? "interrupted: the download goes on from here next time" : "stopped");
                return 1;
            }
            if (a.Once)
            {
                output.WriteLine($"done: {Path.Combine(share.Directory, result.Name)}");
                return 0;
            }
            output.WriteLine($"sharing {share.Directory} on {share.Engine.ListenEndPoint}; press Ctrl+C to stop");
            output.Flush();
            await ShareConsole.PrintEventsAsync(share, output, null, stop);
            output.WriteLine("stopping...");
        }
        return 0;
    }

    private static async Task PrintProgressAsync(TorrentHandle? handle, TextWriter output, TimeSpan interval, CancellationToken ct)
    {
        if (handle is null) return;
        try
        {
            while (true)
            {
                await Task.Delay(interval, ct);
                var s = await handle.GetStatusAsync();
                if (s.IsComplete) return;
                lock (output)
                    output.WriteLine($"progress: {s.Progress * 100:F1}% ({Format.Bytes(s.VerifiedBytes)} of {Format.Bytes(s.TotalBytes)}), " +
                                     $"{Format.Rate(s.DownloadRate)} from {s.Peers} peer(s), ETA {Format.Duration(s.Eta)}");
                output.Flush();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
