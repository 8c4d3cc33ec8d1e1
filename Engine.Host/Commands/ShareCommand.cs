using Engine.Sharing;

namespace Engine.Host.Commands;

/// <summary>
/// <c>share &lt;dir&gt; --tracker &lt;url&gt;</c>: every top-level file of the directory is made into a torrent, published to
/// the tracker's catalog and seeded; new and changed files are picked up while it runs (<c>--follow</c> also fetches
/// everything others publish). Runs until Ctrl+C or SIGTERM.
/// </summary>
public static class ShareCommand
{
    public const string Usage = """
        usage: Engine.Host share <dir> --tracker <url> [--tracker <url>...] [--follow] [--port <n>] [--bind <address>]
                                 [--quiet <seconds>] [--scan-interval <seconds>] [--max-upload KiB/s] [--max-download KiB/s]
                                 [--publish-token <secret>]
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        using var stop = new StopSignal();
        return await RunAsync(args, output, stop.Token);
    }

    internal static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken stop)
    {
        var a = ShareArguments.Parse(args, fetch: false);
        if (File.Exists(a.Target)) throw new CommandLineException($"{a.Target} is a file; share takes a directory (its files are shared)");
        var catalog = a.Trackers.Select(TrackerCatalogClient.BaseUriFor).First(u => u is not null);
        var share = await ShareConsole.StartAsync(a, a.Target, shareFiles: true);
        await using (share)
        {
            output.WriteLine($"sharing {share.Directory} on {share.Engine.ListenEndPoint} (catalog: {new Uri(catalog!, "catalog")}){(a.Follow ? ", following the catalog" : "")}");
            output.WriteLine("press Ctrl+C to stop");
            output.Flush();
            await ShareConsole.PrintEventsAsync(share, output, null, stop);
            output.WriteLine("stopping...");
        }
        output.WriteLine($"stopped sharing {share.Directory}");
        return 0;
    }
}
