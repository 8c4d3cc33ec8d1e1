using System.CommandLine;
using Engine.Api;
using Engine.Host.Cli;
using Engine.Sharing;

namespace Engine.Host.Commands;

/// <summary>
/// <c>fetch &lt;name | info-hash&gt; --tracker &lt;url&gt; --into &lt;dir&gt; [--once]</c>: finds the torrent in the tracker's
/// catalog and downloads it into the directory (resuming a partial download), then keeps running as a share of that
/// directory — or, with <c>--once</c>, exits 0 as soon as the file is complete.
/// </summary>
public static class FetchCommand
{
    public static Command Create(HostConsole console, GlobalOptions global)
    {
        var definition = new ShareArguments.Definition(fetch: true);
        var command = definition.Create();
        command.SetAction(async (r, _) =>
        {
            console.Verbose = r.GetValue(global.Verbose);
            using var stop = new StopSignal();
            return await RunAsync(definition.Read(r, global.Read(r)), console, stop.Token);
        });
        return command;
    }

    internal static async Task<int> RunAsync(ShareArguments a, HostConsole console, CancellationToken stop)
    {
        var output = console.Out;
        var share = await ShareConsole.StartAsync(a, a.Into!, shareFiles: !a.Once, output);
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
                ? $"already here: {result.Name} ({Units.Bytes(result.Size)}) {result.InfoHash} in {share.Directory}"
                : $"found in the catalog: {result.Name} ({Units.Bytes(result.Size)}) {result.InfoHash}; downloading into {share.Directory}");
            output.Flush();
            using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var finished = result.AlreadyComplete ? Task.FromResult<ShareEvent?>(null) : ShareConsole.PrintEventsAsync(share, output,
                e => e is FetchCompleted c && c.InfoHash == result.InfoHash || e is FetchFailed f && f.What == result.Name, done.Token);
            var progress = PrintProgressAsync(result.Handle, output, a.StatusInterval, done.Token);
            var last = await finished;
            await done.CancelAsync();
            await progress;
            var completed = result.AlreadyComplete || last is FetchCompleted;
            if (last is FetchFailed failed) console.Error.WriteLine($"error: {failed.Reason}");
            if (!completed)
            {
                output.WriteLine(stop.IsCancellationRequested ? "interrupted: the download goes on from here next time" : "stopped");
                return stop.IsCancellationRequested && last is not FetchFailed ? ExitCodes.Interrupted : ExitCodes.Error;
            }
            if (a.Once)
            {
                output.WriteLine($"done: {Path.Combine(share.Directory, result.Name)}");
                return ExitCodes.Ok;
            }
            output.WriteLine($"sharing {share.Directory} on {share.Engine.ListenEndPoint}; press Ctrl+C to stop");
            output.Flush();
            await ShareConsole.PrintEventsAsync(share, output, null, stop);
            output.WriteLine("stopping...");
        }
        return ExitCodes.Ok;
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
                    output.WriteLine($"progress: {s.Progress * 100:F1}% ({Units.Bytes(s.VerifiedBytes)} of {Units.Bytes(s.TotalBytes)}), " +
                                     $"{Units.Rate(s.DownloadRate)} from {s.Peers} peer(s), ETA {Units.Clock(s.Eta)}");
                output.Flush();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
