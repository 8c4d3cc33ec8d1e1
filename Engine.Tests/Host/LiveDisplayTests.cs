using System.Net;
using Engine.Api;
using Engine.Core.Primitives;
using Engine.Events;
using Engine.Host.Cli;
using Engine.Host.Commands;
using Engine.Host.Output;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Host;

/// <summary>What a download shows on a terminal and when redirected: it fits 80 columns, redraws in place, says why it stalls.</summary>
public sealed class LiveDisplayTests(ITestOutputHelper output)
{
    private static TorrentSnapshot Snapshot(string name = "ubuntu-24.04.1-desktop-amd64.iso", double progress = 0.4567, int peers = 1) => new(
        InfoHash.FromBytes(new byte[20]), name, TorrentState.Downloading, progress, 6_000_000_000, (long)(6_000_000_000 * progress), 22_000,
        (int)(22_000 * progress), 12_345_678, 1_234_567, 2_000_000_000, 300_000_000, peers, 120, TimeSpan.FromMinutes(83), 1, 0, null,
        "/home/someone/Downloads/a/rather/long/path/that/goes/on/and/on/until/it/does/not/fit/anywhere",
        [new FileSnapshot("ubuntu/" + new string('x', 120) + ".iso", 6_000_000_000, 0.4567), new FileSnapshot("ubuntu/SHA256SUMS", 100, 1)]);

    [Theory]
    [InlineData(80)]
    [InlineData(40)]
    [InlineData(200)]
    public void Every_line_of_the_header_and_the_live_block_fits_the_width(int width)
    {
        var s = Snapshot(name: "名前が長いトレント " + new string('n', 100));
        var lines = StatusView.Header(s, width).Concat(StatusView.Live(s, "no peers known; tracker t.example:6969: connection refused", files: true, width));
        foreach (var line in lines) Assert.True(Fit.Columns(line) <= width, $"{Fit.Columns(line)} columns > {width}: {line}");
    }

    [Fact]
    public void The_header_names_the_torrent_its_size_and_where_it_goes_and_peers_are_counted_connected_over_known()
    {
        var s = Snapshot();
        var header = StatusView.Header(s, 80);
        Assert.Equal("name:  ubuntu-24.04.1-desktop-amd64.iso", header[0]);
        Assert.Equal("size:  5.6 GiB in 2 files, 22000 pieces of 512.0 KiB", header[1]);
        Assert.StartsWith("into:  …", header[2]);
        Assert.EndsWith("/it/does/not/fit/anywhere", header[2]);
        var live = StatusView.Live(s, null, files: false, 80);
        Assert.Matches(@"^\[#+\.+\] 45\.6% 2\.6 GiB/5\.6 GiB$", live[0]);
        Assert.Equal("down 11.8 MiB/s  up 1.2 MiB/s  peers 1/120  ETA 1:23:00", live[1]);
        Assert.DoesNotContain("1 peers", string.Join("\n", live));
    }

    [Fact]
    public void A_stalled_download_says_why()
    {
        var s = Snapshot(peers: 0) with { DownloadRate = 0, KnownPeers = 0 };
        TrackerSnapshot failing = new("http://tracker.example:6969/announce", 0, "error", 0, null, "connection refused");
        Assert.Null(StallReason.Of(s, [failing], TimeSpan.FromSeconds(3))); // not yet: data may come
        Assert.Equal("no peers known; tracker tracker.example:6969: connection refused", StallReason.Of(s, [failing], TimeSpan.FromSeconds(30)));
        Assert.Equal("no peers known; no trackers (give peers with --peer)", StallReason.Of(s, [], TimeSpan.FromSeconds(30)));
        Assert.Equal("5 peers known, none connected", StallReason.Of(s with { KnownPeers = 5 }, [failing with { Error = null, Status = "ok" }], TimeSpan.FromMinutes(1)));
        Assert.Equal("3 peers connected, none sending", StallReason.Of(s with { Peers = 3, KnownPeers = 3 }, [], TimeSpan.FromMinutes(1)));
        Assert.Null(StallReason.Of(s with { DownloadRate = 1 }, [failing], TimeSpan.FromMinutes(1)));
        Assert.Null(StallReason.Of(s with { State = TorrentState.Seeding }, [failing], TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Redrawing_in_place_leaves_one_block_on_an_80_column_screen_however_many_times_it_redraws()
    {
        var written = new StringWriter();
        var area = new LiveArea(written, 80);
        area.Note("name:  " + new string('n', 200));
        for (var i = 0; i < 50; i++) area.Draw(StatusView.Live(Snapshot(progress: i / 50.0), i % 2 == 0 ? "no peers known" : null, files: i > 40, 80));
        area.Note("a note between redraws");
        area.Draw(StatusView.Live(Snapshot(progress: 1), null, files: false, 80));
        area.Close();
        written.Write("completed\n");
        var screen = new TerminalScreen(80);
        screen.Write(written.ToString());
        Assert.Equal(0, screen.Wraps);
        var lines = screen.Lines.Where(l => l.Length > 0).ToList();
        Assert.Equal(5, lines.Count); // the header line, the note, the last block's two lines, "completed"
        Assert.StartsWith("name:  nnn", lines[0]);
        Assert.Equal("a note between redraws", lines[1]);
        Assert.StartsWith("[########################################] 100.0%", lines[2]);
        Assert.Equal("completed", lines[4]);
    }

    [Fact]
    public void Redirected_output_is_one_plain_line_per_interval_and_json_lines_parse()
    {
        var plain = new StringWriter();
        var display = new TransferDisplay(new HostConsole(plain, plain, false, 80), OutputMode.Default, TimeSpan.FromHours(1));
        display.Show(Snapshot(), null);
        display.Show(Snapshot(), null); // within the interval: nothing
        Assert.Equal(["45.6% 2.6 GiB/5.6 GiB  down 11.8 MiB/s  up 1.2 MiB/s  peers 1/120  ETA 1:23:00"], plain.ToString().TrimEnd().Split('\n'));
        Assert.DoesNotContain('\r', plain.ToString());
        Assert.DoesNotContain('\u001b', plain.ToString());

        var json = new StringWriter();
        var jsonDisplay = new TransferDisplay(new HostConsole(json, json, true, 80), OutputMode.Default with { Json = true }, TimeSpan.Zero);
        jsonDisplay.Note("resume: 0/22000 pieces already verified");
        jsonDisplay.Show(Snapshot(), "no peers known", force: true);
        var lines = json.ToString().TrimEnd().Split('\n');
        Assert.Equal("resume: 0/22000 pieces already verified", System.Text.Json.JsonDocument.Parse(lines[0]).RootElement.GetProperty("note").GetString());
        var status = System.Text.Json.JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal("status", status.GetProperty("type").GetString());
        Assert.Equal(12_345_678, status.GetProperty("downloadRate").GetDouble());
        Assert.Equal("no peers known", status.GetProperty("stalled").GetString());
        Assert.False(status.TryGetProperty("dhtNodes", out _)); // nothing known yet: not written

        jsonDisplay.Origins = new PeerOrigins(new Dictionary<string, int> { ["tracker"] = 2, ["dht"] = 1 }, 212);
        jsonDisplay.Show(Snapshot(), null, force: true);
        var withOrigins = System.Text.Json.JsonDocument.Parse(json.ToString().TrimEnd().Split('\n')[^1]).RootElement;
        Assert.Equal(2, withOrigins.GetProperty("peerSources").GetProperty("tracker").GetInt32());
        Assert.Equal(1, withOrigins.GetProperty("peerSources").GetProperty("dht").GetInt32());
        Assert.Equal(212, withOrigins.GetProperty("dhtNodes").GetInt32());
    }

    [Fact(Timeout = 60_000)]
    public async Task With_json_every_line_of_a_download_is_a_json_object_ending_in_a_summary()
    {
        using var data = GeneratedTorrent.Create("host-json", [("a.bin", 400_000)], 32 * 1024, seed: 62);
        await using var seeder = await EngineNode.StartAsync("host-json-seeder", data.Metainfo, data.SeedDirectory, data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        var target = data.NewDirectory("json-out");
        var (code, stdout, _) = await InProcessHost.RunAsync("download", data.TorrentPath, "-o", target, "--port", "0", "--bind", "127.0.0.1",
            "--peer", seeder.EndPoint.ToString(), "--json", "--status-interval", "100ms", "--state-dir", data.NewDirectory("state"));
        Assert.Equal(0, code);
        var objects = stdout.TrimEnd().Split('\n').Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(objects, o => o.TryGetProperty("note", out _));
        var summary = objects[^1];
        Assert.Equal("summary", summary.GetProperty("type").GetString());
        Assert.Equal("completed", summary.GetProperty("result").GetString());
        Assert.Equal(data.Metainfo.TotalLength, summary.GetProperty("verified").GetInt64());
        Assert.Equal(data.Metainfo.InfoHash.ToHex(), summary.GetProperty("infoHash").GetString());
        data.AssertSameData(target);
    }

    /// <summary>
    /// The host as a person runs it: a real process on a pseudo-terminal 80 columns wide (util-linux <c>script</c>),
    /// downloading at a limited rate so the display redraws many times. Replayed on an 80-column screen, nothing wraps
    /// and the redraws leave one block, not a line each.
    /// </summary>
    [Fact(Timeout = 90_000)]
    public async Task On_an_80_column_terminal_the_download_display_fits_and_redraws_in_place()
    {
        using var data = GeneratedTorrent.Create("host-pty-" + new string('w', 90), [("a.bin", 1_500_000)], 64 * 1024, seed: 61);
        await using var seeder = await EngineNode.StartAsync("host-pty-seeder", data.Metainfo, data.SeedDirectory, data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        var target = data.NewDirectory("pty-out");
        var typescript = Path.Combine(data.Root, "typescript");
        var host = typeof(Engine.Host.Program).Assembly.Location;
        var command = $"stty cols 80 rows 40; exec dotnet {host} download {data.TorrentPath} -o {target} --port 0 --bind 127.0.0.1 " +
                      $"--peer {seeder.EndPoint} --max-download 400k --state-dir {data.NewDirectory("state")}";
        await using (var process = ExternalProcess.Start(new ProcessSpec("/usr/bin/script", ["-q", "-e", "-f", "-c", command, typescript])
                     {
                         Name = "script", MaxLifetime = TimeSpan.FromSeconds(80),
                         Environment = new Dictionary<string, string?> { ["TERM"] = "xterm", ["COLUMNS"] = "80" },
                     }))
            Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(75)));
        data.AssertSameData(target);
        var raw = await File.ReadAllTextAsync(typescript);
        raw = raw[(raw.IndexOf('\n') + 1)..]; // script's own "Script started ... [COMMAND=...]" line
        var screen = new TerminalScreen(80);
        screen.Write(raw);
        var lines = screen.Lines.Where(l => l.Length > 0).ToList();
        output.WriteLine(string.Join("\n", lines));
        Assert.True(raw.Split("\u001b[").Length > 10, "the display never redrew");
        Assert.Equal(0, screen.Wraps);
        Assert.InRange(lines.Count, 8, 16); // header, notes, the last block, the summary — not a line per redraw
        Assert.StartsWith("name:  host-pty-www", lines.First(l => l.StartsWith("name:", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("into:  ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("completed: host-pty-", StringComparison.Ordinal));
        Assert.Contains($"  in {target}", lines);
    }
}
