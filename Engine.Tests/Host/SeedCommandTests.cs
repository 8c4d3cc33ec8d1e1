using System.Diagnostics;
using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Host;

/// <summary>The console host's <c>seed</c> and <c>download --seed</c> as real processes, against in-process engines.</summary>
public sealed class SeedCommandTests(ITestOutputHelper output)
{
    [Fact(Timeout = 60_000)]
    public async Task Seed_checks_the_data_serves_a_leecher_prints_status_and_stops_within_two_seconds_of_ctrl_c()
    {
        using var data = GeneratedTorrent.Create("host-seed", [("a.bin", 1_500_000), ("b/c.bin", 700_000)], 64 * 1024, seed: 31);
        var port = PortAllocator.Next();
        await using var host = new HostProcess(output, "seed", data.TorrentPath, "--data", data.SeedDirectory,
            "--bind", "127.0.0.1", "--port", port.ToString(), "--status-interval", "300ms", "--max-upload", "4M");
        await host.WaitForLineAsync("seeding on 127.0.0.1:" + port, TimeSpan.FromSeconds(20));
        var pieces = data.Metainfo.PieceCount;
        Assert.Contains(host.Lines, l => l.StartsWith($"checked host-seed: {pieces}/{pieces} pieces", StringComparison.Ordinal));

        await using var leecher = await EngineNode.StartAsync("host-seed-leecher", data.Metainfo, data.NewDirectory("leecher"), data.Root);
        leecher.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        await leecher.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(20));
        data.AssertSameData(leecher.SaveDirectory);
        // The status lines show what was uploaded (the leecher, now a seed too, has disconnected).
        await host.WaitForLineAsync("(ratio 1.", TimeSpan.FromSeconds(5));

        var clock = Stopwatch.StartNew();
        await host.Process.SignalAsync(2); // SIGINT, as Ctrl+C sends
        Assert.Equal(0, await host.ExitCodeAsync(TimeSpan.FromSeconds(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the host took {clock.Elapsed.TotalSeconds:F1} s to stop");
        Assert.Contains(host.Lines, l => l == "stopped seeding host-seed: interrupted");
        var uploaded = host.Lines.Single(l => l.StartsWith("  uploaded ", StringComparison.Ordinal));
        Assert.Contains("ratio 1.", uploaded);
    }

    [Fact(Timeout = 60_000)]
    public async Task Seed_with_incomplete_data_is_an_error_naming_what_is_missing()
    {
        using var data = GeneratedTorrent.Create("host-partial", [("a.bin", 300_000)], 32 * 1024, seed: 32);
        File.Delete(Path.Combine(data.SeedDirectory, "host-partial", "a.bin"));
        File.WriteAllBytes(Path.Combine(data.SeedDirectory, "host-partial", "a.bin"), new byte[300_000]);
        await using var host = new HostProcess(output, "seed", data.TorrentPath, "--data", data.SeedDirectory, "--bind", "127.0.0.1", "--port", "0");
        Assert.Equal(1, await host.ExitCodeAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(host.Lines, l => l.Contains("error: the data in", StringComparison.Ordinal) && l.Contains("is incomplete: 0 of 10 pieces verified", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Seed_with_skip_checks_and_serves_only_the_files_present_and_a_leecher_gets_them_byte_exact()
    {
        using var data = GeneratedTorrent.Create("host-part", [("a.bin", 4 * 65536), ("b.bin", 8 * 65536), ("c.bin", 300_000)], 64 * 1024, seed: 34);
        var missing = Path.Combine(data.SeedDirectory, data.Metainfo.Files[1].Path);
        File.Delete(missing); // a partial download: file 1 was skipped
        await using var engine = TorrentEngine.Create(new TorrentEngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0), StateDirectory = data.NewDirectory("leecher-state"), Dht = false, Lsd = false,
        });
        var target = data.NewDirectory("leecher");
        var leecher = await engine.AddAsync(data.TorrentPath, target, new TorrentOptions { FilePriorities = [FilePriority.Normal, FilePriority.Skip, FilePriority.Normal] });

        var (code, stdout, stderr) = await InProcessHost.RunAsync("seed", data.TorrentPath, "--data", data.SeedDirectory, "--skip", "1",
            "--bind", "127.0.0.1", "--port", "0", "--peer", engine.ListenEndPoint!.ToString(), "--seed-time", "5s", "--status-interval", "500ms");
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, code);
        Assert.Contains("checked host-part: 9/17 pieces of the chosen files", stdout); // a's 4 and c's 5; b's 8 not hashed
        Assert.False(File.Exists(missing), "seed created the skipped file");
        var status = await leecher.GetStatusAsync();
        Assert.True(status.IsComplete, $"the leecher has {status.VerifiedPieces}/{status.PieceCount} pieces");
        foreach (var i in new[] { 0, 2 })
        {
            var file = data.Metainfo.Files[i].Path;
            Assert.Equal(File.ReadAllBytes(Path.Combine(data.SeedDirectory, file)), File.ReadAllBytes(Path.Combine(target, file)));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Download_with_seed_and_ratio_seeds_after_completing_and_exits_once_the_ratio_is_reached()
    {
        using var data = GeneratedTorrent.Create("host-ratio", [("a.bin", 1_000_000), ("b.bin", 1_000_000)], 64 * 1024, seed: 33);
        await using var seeder = await EngineNode.StartAsync("host-ratio-seeder", data.Metainfo, data.SeedDirectory, data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        var port = PortAllocator.Next();
        var hostDir = data.NewDirectory("host");
        await using var host = new HostProcess(output, "download", data.TorrentPath, "-o", hostDir, "--bind", "127.0.0.1", "--port", port.ToString(),
            "--peer", seeder.EndPoint.ToString(), "--ratio", "1", "--status-interval", "300ms");
        await host.WaitForLineAsync("completed host-ratio in", TimeSpan.FromSeconds(20));
        data.AssertSameData(hostDir);

        // A second leecher that knows only the host: everything it gets, the host uploads.
        await using var leecher = await EngineNode.StartAsync("host-ratio-leecher", data.Metainfo, data.NewDirectory("leecher"), data.Root);
        leecher.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        await leecher.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(20));
        data.AssertSameData(leecher.SaveDirectory);
        Assert.Equal(0, await host.ExitCodeAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(host.Lines, l => l.Contains("stopped seeding: ratio 1.", StringComparison.Ordinal));
    }
}
