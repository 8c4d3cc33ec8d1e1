using System.Diagnostics;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Host;

/// <summary>A download that cannot start says why (issue 18: "0 peers ETA --:-- forever with no reason"), and Ctrl+C then exits 130.</summary>
public sealed class StallTests(ITestOutputHelper output)
{
    [Fact(Timeout = 60_000)]
    public async Task A_download_with_no_peers_and_a_failing_tracker_says_so_and_ctrl_c_exits_130()
    {
        // The torrent's only tracker is a closed port on 127.0.0.1: announces fail at once.
        using var data = GeneratedTorrent.Create("host-stalled", [("a.bin", 200_000)], 32 * 1024, seed: 51, trackers: ["http://127.0.0.1:9/announce"]);
        await using var host = new HostProcess(output, "download", data.TorrentPath, "-o", data.NewDirectory("out"), "--bind", "127.0.0.1", "--port", "0",
            "--status-interval", "500ms");
        var line = await host.WaitForLineAsync("stalled: ", TimeSpan.FromSeconds(30));
        Assert.Contains("stalled: no peers known; tracker 127.0.0.1:9: ", line);
        Assert.Contains(host.Lines, l => l.StartsWith("peers: listening on 127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains("name:  host-stalled", host.Lines);

        var clock = Stopwatch.StartNew();
        await host.Process.SignalAsync(2);
        Assert.Equal(130, await host.ExitCodeAsync(TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed.TotalSeconds:F1} s to stop");
        Assert.Contains("interrupted: host-stalled", host.Lines);
        Assert.Contains("  the resume state is saved: the same command goes on from here", host.Lines);
    }
}
