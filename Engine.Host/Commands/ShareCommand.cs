using System.CommandLine;
using Engine.Host.Cli;
using Engine.Sharing;

namespace Engine.Host.Commands;

/// <summary>
/// <c>share &lt;dir&gt; --tracker &lt;url&gt;</c>: every top-level file of the directory is made into a torrent, published to
/// the tracker's catalog and seeded; new and changed files are picked up while it runs (<c>--follow</c> also fetches
/// everything others publish). Runs until Ctrl+C or SIGTERM.
/// </summary>
public static class ShareCommand
{
    public static Command Create(HostConsole console, GlobalOptions global)
    {
        var definition = new ShareArguments.Definition(fetch: false);
        var command = definition.Create();
        command.SetAction(async (r, _) =>
        {
            console.Verbose = r.GetValue(global.Verbose);
            using var stop = new StopSignal();
            return await RunAsync(definition.Read(r, global.Read(r)), console.Out, stop.Token);
        });
        return command;
    }

    internal static async Task<int> RunAsync(ShareArguments a, TextWriter output, CancellationToken stop)
    {
        if (File.Exists(a.Target)) throw new CommandLineException($"{a.Target}: is a file; share takes a directory (its files are shared)");
        var catalog = a.Trackers.Select(TrackerCatalogClient.BaseUriFor).First(u => u is not null);
        var share = await ShareConsole.StartAsync(a, a.Target, shareFiles: true, output);
        await using (share)
        {
            output.WriteLine($"sharing {share.Directory} on {share.Engine.ListenEndPoint} (catalog: {new Uri(catalog!, "catalog")}){(a.Follow ? ", following the catalog" : "")}");
            output.WriteLine("press Ctrl+C to stop");
            output.Flush();
            await ShareConsole.PrintEventsAsync(share, output, null, stop);
            output.WriteLine("stopping...");
        }
        output.WriteLine($"stopped sharing {share.Directory}");
        return ExitCodes.Ok;
    }
}
