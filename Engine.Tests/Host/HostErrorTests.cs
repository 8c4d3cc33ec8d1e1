using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Engine.Events;
using Engine.Tests.Interop;
using Engine.Tests.Support;

namespace Engine.Tests.Host;

/// <summary>
/// The common mistakes of issue 18, each one line naming the path or port and what to do, exit code 1 (2 for the
/// command line), never a stack trace. The host runs in-process here; <see cref="SeedCommandTests"/> and
/// <see cref="CommandWebTests"/> run it as a process.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostErrorTests : IDisposable
{
    private readonly TempDir _dir = new("host-errors");

    public void Dispose() => _dir.Dispose();

    private string State => _dir.Sub("state");

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var result = await InProcessHost.RunAsync([.. args, "--state-dir", State]);
        Assert.DoesNotContain("   at ", result.Err + result.Out); // never a stack trace
        return result;
    }

    private static string OneErrorLine(string err)
    {
        var lines = err.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, "expected one line on stderr:\n" + err);
        Assert.StartsWith("error: ", lines[0]);
        return lines[0];
    }

    private string? _torrent;

    private string Torrent()
    {
        if (_torrent is not null) return _torrent;
        var data = TestData.CreateTree(_dir.Sub("src"), "payload", 100_000, seed: 3, fileCount: 1);
        var path = Path.Combine(_dir, "payload.torrent");
        File.WriteAllBytes(path, Engine.Metainfo.TorrentCreator.Create(data.Root));
        return _torrent = path;
    }

    [Fact]
    public async Task A_directory_given_as_the_torrent_says_so()
    {
        var (code, _, err) = await Run("download", _dir.Sub("somedir"), "-o", _dir.Sub("out"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {_dir.Sub("somedir")}: is a directory; give a .torrent file or a magnet link (to make a torrent of a directory: create)", OneErrorLine(err));
    }

    [Fact]
    public async Task A_missing_torrent_file_says_so_and_hints_at_magnet_links()
    {
        var (code, _, err) = await Run("download", Path.Combine(_dir, "nope.torrent"));
        Assert.Equal(1, code);
        Assert.Contains("nope.torrent: no such file; give a .torrent file or a magnet link", OneErrorLine(err));
    }

    [Fact]
    public async Task A_malformed_magnet_link_is_named_as_such_not_as_a_missing_file()
    {
        var (code, _, err) = await Run("download", "magnet:?xt=urn:btih:abc", "-o", _dir.Sub("out"));
        Assert.Equal(1, code);
        var line = OneErrorLine(err);
        Assert.StartsWith("error: not a usable magnet link:", line);
        Assert.DoesNotContain("Could not find file", line);
    }

    [Fact]
    public async Task Output_pointing_at_a_file_is_one_line_naming_it()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        var (code, _, err) = await Run("download", Torrent(), "-o", file);
        Assert.Equal(1, code);
        Assert.Equal($"error: -o {file}: is a file, not a directory; give the directory to save into", OneErrorLine(err));
    }

    [Fact]
    public async Task Output_below_a_file_is_one_line_naming_it()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        var (code, _, err) = await Run("download", Torrent(), "-o", Path.Combine(file, "sub"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: -o {Path.Combine(file, "sub")}: cannot create the directory", OneErrorLine(err));
    }

    [Fact]
    public async Task An_unwritable_output_directory_is_one_line_naming_it()
    {
        var target = Directory.CreateDirectory(_dir.Sub("locked")).FullName;
        await using var locked = await ReadOnlyDirectory.LockAsync(target);
        var (code, _, err) = await Run("download", Torrent(), "-o", target);
        Assert.Equal(1, code);
        var line = OneErrorLine(err);
        Assert.StartsWith($"error: -o {target}: ", line);
        Assert.True(line.Contains("Read-only file system", StringComparison.Ordinal) || line.Contains("permission denied", StringComparison.Ordinal), line);
    }

    [Fact]
    public async Task A_web_port_in_use_is_one_line_without_kestrels_stack_trace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, output, err) = await Run("download", Torrent(), "-o", _dir.Sub("out"), "--port", "0", "--bind", "127.0.0.1", "--web", port.ToString());
        Assert.Equal(1, code);
        Assert.Equal($"error: --web: cannot listen on 127.0.0.1:{port}: Address already in use (another program has the port: choose another, or 0 for any free port)", OneErrorLine(err));
        Assert.DoesNotContain("fail:", output);
    }

    [Fact]
    public async Task A_peer_port_in_use_is_one_line_naming_it_and_a_range_moves_on_to_a_free_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, _, err) = await Run("seed", Torrent(), "--data", _dir.Sub("src"), "--bind", "127.0.0.1", "--port", port.ToString());
        Assert.Equal(1, code);
        Assert.StartsWith($"error: cannot listen on 127.0.0.1:{port}: Address already in use (another program has the port", OneErrorLine(err));
    }

    [Fact]
    public async Task A_missing_or_malformed_config_file_is_one_line()
    {
        var (code, _, err) = await Run("download", Torrent(), "--config", Path.Combine(_dir, "none.json"));
        Assert.Equal(1, code);
        Assert.EndsWith("none.json: no such file", OneErrorLine(err));
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, """{ "UploadLimit": "lots" }""");
        (code, _, err) = await Run("download", Torrent(), "--config", bad);
        Assert.Equal(1, code);
        Assert.Contains("UploadLimit: 'lots' is not a whole number", OneErrorLine(err));
    }

    [Fact]
    public async Task A_web_ui_beyond_loopback_without_a_password_is_refused_before_anything_starts()
    {
        var (code, _, err) = await Run("web", "--port", "0", "--bind", "0.0.0.0", "--data", _dir.Sub("web"));
        Assert.Equal(2, code);
        Assert.Equal("error: --bind 0.0.0.0 makes the web UI reachable from other machines: give --password <password> (or set ENGINE_HOST_WEB_PASSWORD)", OneErrorLine(err));
        (code, _, err) = await Run("seed", Torrent(), "--data", _dir.Sub("src"), "--port", "0", "--web", "0", "--web-bind", "0.0.0.0");
        Assert.Equal(2, code);
        Assert.Contains("give --web-password <password>", OneErrorLine(err));
    }

    [Fact(Timeout = 60_000)]
    public async Task Download_takes_a_magnet_link_and_completes_it()
    {
        using var data = GeneratedTorrent.Create("host-magnet", [("a.bin", 300_000)], 32 * 1024, seed: 77);
        await using var seeder = await EngineNode.StartAsync("host-magnet-seeder", data.Metainfo, data.SeedDirectory, data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        var magnet = $"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}&dn=host-magnet&x.pe={seeder.EndPoint}";
        var target = data.NewDirectory("magnet-out");
        var clock = Stopwatch.StartNew();
        var (code, output, err) = await Run("download", magnet, "-o", target, "--port", "0", "--bind", "127.0.0.1", "--status-interval", "200ms");
        Assert.True(code == 0, $"exit {code}\n{output}\n{err}");
        data.AssertSameData(target);
        Assert.Contains("name:  host-magnet", output);
        Assert.Contains($"completed: host-magnet\n  in {target}\n", output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45));
    }
}
