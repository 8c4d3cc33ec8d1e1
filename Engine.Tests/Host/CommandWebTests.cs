using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Events;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Host;

/// <summary>
/// <c>download --web</c> and <c>seed --web</c> as real processes: the web UI and the REST API show the command's
/// torrent live while the console output and the exit code stay what they are without <c>--web</c>.
/// </summary>
public sealed partial class CommandWebTests(ITestOutputHelper output)
{
    [Fact(Timeout = 90_000)]
    public async Task Download_with_web_lists_the_torrent_with_its_progress_live_and_still_completes_byte_identical()
    {
        using var data = GeneratedTorrent.Create("host-web", [("a.bin", 1_200_000), ("b/c.bin", 400_000)], 64 * 1024, seed: 41);
        await using var seeder = await EngineNode.StartAsync("host-web-seeder", data.Metainfo, data.SeedDirectory, data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        var hostDir = data.NewDirectory("host");
        // 256 KiB/s: about six seconds, long enough to watch the progress move in the API.
        await using var host = new HostProcess(output, "download", data.TorrentPath, "-o", hostDir, "--bind", "127.0.0.1", "--port", "0",
            "--peer", seeder.EndPoint.ToString(), "--max-download", "256k", "--status-interval", "300ms", "--web", "0");
        using var http = new HttpClient { BaseAddress = await WebAddressAsync(host), Timeout = TimeSpan.FromSeconds(5) };
        Assert.Contains("blazor.web", await http.GetStringAsync("/"));

        var progress = new List<double>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        while (!host.Process.HasExited && DateTime.UtcNow < deadline)
        {
            JsonElement rows;
            try { rows = JsonDocument.Parse(await http.GetStringAsync("api/torrents")).RootElement; }
            catch (HttpRequestException) when (host.Process.HasExited || host.Lines.Any(l => l.StartsWith("completed: ", StringComparison.Ordinal))) { break; }
            var row = Assert.Single(rows.EnumerateArray());
            Assert.Equal("host-web", row.GetProperty("name").GetString());
            Assert.Equal(data.Metainfo.InfoHash.ToHex(), row.GetProperty("hash").GetString());
            Assert.Equal(Path.GetFullPath(hostDir), row.GetProperty("saveDirectory").GetString());
            progress.Add(row.GetProperty("progress").GetDouble());
            await Task.Delay(100);
        }
        Assert.Equal(0, await host.ExitCodeAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine("progress seen in the api: " + string.Join(" ", progress.Select(p => p.ToString("F2"))));
        Assert.Contains(progress, p => p is > 0 and < 1);
        Assert.Equal(progress.Order(), progress);
        data.AssertSameData(hostDir);

        // The console is what it is without --web, plus the address first.
        var lines = host.Lines.ToArray();
        Assert.Matches(WebLine(), lines[0]);
        Assert.Contains(lines, l => l.StartsWith("resume: 0/", StringComparison.Ordinal) && l.EndsWith("(no data on disk yet)", StringComparison.Ordinal));
        Assert.Contains("completed: host-web", lines);
        Assert.Contains($"  in {Path.GetFullPath(hostDir)}", lines);
        Assert.Contains(lines, l => l.StartsWith($"  verified 1.5 MiB of 1.5 MiB ({data.Metainfo.PieceCount}/{data.Metainfo.PieceCount} pieces)", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("summary:", StringComparison.Ordinal)); // debug counters only with --verbose
    }

    [Fact(Timeout = 60_000)]
    public async Task Removing_the_torrent_in_the_web_ui_ends_the_download_like_a_stop()
    {
        using var data = GeneratedTorrent.Create("host-web-rm", [("a.bin", 1_000_000)], 64 * 1024, seed: 43);
        await using var seeder = await EngineNode.StartAsync("host-web-rm-seeder", data.Metainfo, data.SeedDirectory, data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        await using var host = new HostProcess(output, "download", data.TorrentPath, "-o", data.NewDirectory("host"), "--bind", "127.0.0.1",
            "--port", "0", "--peer", seeder.EndPoint.ToString(), "--max-download", "64k", "--web", "0");
        using var http = new HttpClient { BaseAddress = await WebAddressAsync(host), Timeout = TimeSpan.FromSeconds(5) };
        await host.WaitForLineAsync("resume: 0/", TimeSpan.FromSeconds(20));

        (await http.DeleteAsync($"api/torrents/{data.Metainfo.InfoHash.ToHex()}")).EnsureSuccessStatusCode();
        Assert.Equal(1, await host.ExitCodeAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("stopped: host-web-rm", host.Lines);
        Assert.Contains(host.Lines, l => l.StartsWith("  verified ", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Seed_with_web_shows_the_seeding_torrent_and_its_uploads_until_ctrl_c()
    {
        using var data = GeneratedTorrent.Create("host-web-seed", [("a.bin", 700_000), ("b.bin", 300_000)], 64 * 1024, seed: 42);
        var port = PortAllocator.Next();
        await using var host = new HostProcess(output, "seed", data.TorrentPath, "--data", data.SeedDirectory, "--bind", "127.0.0.1",
            "--port", port.ToString(), "--status-interval", "300ms", "--web", "0", "--web-bind", "127.0.0.1");
        using var http = new HttpClient { BaseAddress = await WebAddressAsync(host), Timeout = TimeSpan.FromSeconds(5) };
        await host.WaitForLineAsync("seeding on 127.0.0.1:" + port, TimeSpan.FromSeconds(20));
        var row = Assert.Single(JsonDocument.Parse(await http.GetStringAsync("api/torrents")).RootElement.EnumerateArray());
        Assert.Equal("host-web-seed", row.GetProperty("name").GetString());
        Assert.Equal("Seeding", row.GetProperty("state").GetString());
        Assert.Equal(1.0, row.GetProperty("progress").GetDouble());

        await using var leecher = await EngineNode.StartAsync("host-web-seed-leecher", data.Metainfo, data.NewDirectory("leecher"), data.Root);
        leecher.Connect(new IPEndPoint(IPAddress.Loopback, port));
        await leecher.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(20));
        data.AssertSameData(leecher.SaveDirectory);
        var status = $"api/torrents/{data.Metainfo.InfoHash.ToHex()}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long uploaded;
        while ((uploaded = JsonDocument.Parse(await http.GetStringAsync(status)).RootElement.GetProperty("uploaded").GetInt64()) < data.Metainfo.TotalLength
               && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.True(uploaded >= data.Metainfo.TotalLength, $"the api shows {uploaded} bytes uploaded of {data.Metainfo.TotalLength}");

        await host.Process.SignalAsync(2); // SIGINT, as Ctrl+C sends
        Assert.Equal(0, await host.ExitCodeAsync(TimeSpan.FromSeconds(10)));
        var lines = host.Lines.ToArray();
        Assert.Matches(WebLine(), lines[0]);
        Assert.Contains("stopped seeding host-web-seed: interrupted", lines);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_torrent_added_in_the_web_ui_of_seed_comes_back_when_the_command_runs_again_over_the_same_data()
    {
        using var data = GeneratedTorrent.Create("host-web-kept", [("a.bin", 300_000)], 64 * 1024, seed: 44);
        var added = TestData.CreateTree(data.SeedDirectory, "added-in-page", 80_000, seed: 45, fileCount: 2);
        var addedTorrent = Engine.Metainfo.TorrentCreator.Create(added.Root);
        string[] Seed() => ["seed", data.TorrentPath, "--data", data.SeedDirectory, "--bind", "127.0.0.1", "--port", "0", "--web", "0"];

        var stateHome = data.NewDirectory("xdg-state"); // both runs share the host's state directory
        await using (var first = HostProcess.WithStateHome(output, stateHome, Seed()))
        {
            using var http = new HttpClient { BaseAddress = await WebAddressAsync(first), Timeout = TimeSpan.FromSeconds(5) };
            await first.WaitForLineAsync("seeding on 127.0.0.1:", TimeSpan.FromSeconds(20));
            (await http.PostAsync("api/torrents", new MultipartFormDataContent { { new ByteArrayContent(addedTorrent), "torrent", "added.torrent" } }))
                .EnsureSuccessStatusCode();
            Assert.Equal(2, JsonDocument.Parse(await http.GetStringAsync("api/torrents")).RootElement.GetArrayLength());
            Assert.DoesNotContain(first.Lines, l => l.StartsWith("restored ", StringComparison.Ordinal));
            await first.Process.SignalAsync(2);
            Assert.Equal(0, await first.ExitCodeAsync(TimeSpan.FromSeconds(10)));
        }

        await using var second = HostProcess.WithStateHome(output, stateHome, Seed());
        using var http2 = new HttpClient { BaseAddress = await WebAddressAsync(second), Timeout = TimeSpan.FromSeconds(5) };
        await second.WaitForLineAsync("restored 1 torrent(s) from the last run", TimeSpan.FromSeconds(20));
        await second.WaitForLineAsync("seeding on 127.0.0.1:", TimeSpan.FromSeconds(20)); // its own torrent checked: Ctrl+C then exits 0
        var rows = JsonDocument.Parse(await http2.GetStringAsync("api/torrents")).RootElement.EnumerateArray().ToArray();
        // The engine's session brings back what was added in the page; the command adds its own torrent after it.
        Assert.Equal(["added-in-page", "host-web-kept"], rows.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(Path.GetFullPath(data.SeedDirectory), rows[0].GetProperty("saveDirectory").GetString());
        await second.Process.SignalAsync(2);
        Assert.Equal(0, await second.ExitCodeAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(second.Lines, l => l.StartsWith("warning:", StringComparison.Ordinal));
        // The session is kept in the state directory, not in the data directory.
        Assert.False(Directory.Exists(Path.Combine(data.SeedDirectory, ".session")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(stateHome, "engine-host", "sessions"), "*.json", SearchOption.AllDirectories));
    }

    private static async Task<Uri> WebAddressAsync(HostProcess host)
    {
        var line = await host.WaitForLineAsync("web ui: ", TimeSpan.FromSeconds(30));
        var match = WebLine().Match(line);
        Assert.True(match.Success, line);
        return new Uri(match.Groups[1].Value);
    }

    [GeneratedRegex(@"^web ui: (http://127\.0\.0\.1:\d+/)$")]
    private static partial Regex WebLine();
}
