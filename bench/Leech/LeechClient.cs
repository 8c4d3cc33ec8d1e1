using System.Globalization;
using System.Text.Json;
using Engine.Core.Primitives;
using Engine.Tests.Interop;

namespace Engine.Bench.Leech;

/// <summary>What a leecher run needs to know: the torrent, where to save, its port, the seeders.</summary>
public sealed record LeechContext(TestTorrent Torrent, string SaveDir, string ScratchDir, int Port, IReadOnlyList<ExternalPeer> Seeders, OpenTracker Tracker);

/// <summary>
/// One leeching program: its command line and how we know it is complete. Completion is the process exiting with
/// code 0 (ours, libtorrent, aria2c exit by themselves once complete), or a line it prints (transmission-cli, which
/// then gets SIGTERM so it flushes and closes its files before the data is compared).
/// </summary>
public abstract class LeechClient
{
    public abstract string Name { get; }

    /// <summary>Program and arguments (run under /usr/bin/time, itself under timeout(1)).</summary>
    public abstract (string Program, List<string> Args, Dictionary<string, string?> Env) Command(LeechContext c);

    /// <summary>True when the program exits by itself once complete.</summary>
    public virtual bool ExitsWhenComplete => true;

    /// <summary>For programs that do not exit: the output line that means the download is complete.</summary>
    public virtual bool IsCompletionLine(string line) => false;

    /// <summary>Sees every output line (on a pool thread).</summary>
    public virtual void OnLine(string line) { }

    /// <summary>Called once the process is started (e.g. make the seeders connect to it).</summary>
    public virtual Task AfterStartAsync(LeechContext c, CancellationToken cancel) => Task.CompletedTask;

    public static LeechClient Create(string name, string engineHostDll) => name switch
    {
        ClientNames.Ours => new OursClient(engineHostDll),
        ClientNames.OursRc4 => new OursClient(engineHostDll, encrypted: true),
        ClientNames.OursUtp => new OursClient(engineHostDll, utp: true),
        ClientNames.Libtorrent => new LibtorrentClient(),
        ClientNames.LibtorrentUtp => new LibtorrentClient(utp: true),
        ClientNames.Aria2 => new Aria2Client(),
        ClientNames.Transmission => new TransmissionClient(),
        _ => throw new ArgumentException($"unknown client {name}"),
    };

    protected static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Our engine: Engine.Host as published (its own executable) or built (under the dotnet host), told the seeders'
/// addresses; with <paramref name="encrypted"/>, <c>--encryption required</c> (every connection RC4); with
/// <paramref name="utp"/>, <c>--utp only</c> (every connection uTP).
/// </summary>
public sealed class OursClient(string engineHostDll, bool encrypted = false, bool utp = false) : LeechClient
{
    public override string Name => encrypted ? ClientNames.OursRc4 : utp ? ClientNames.OursUtp : ClientNames.Ours;

    public override (string, List<string>, Dictionary<string, string?>) Command(LeechContext c)
    {
        var (program, args) = HostCommand.For(engineHostDll);
        args.AddRange(new[]
        {
            "download", c.Torrent.TorrentPath, "-o", c.SaveDir,
            "--port", Str(c.Port), "--bind", "127.0.0.1", "--status-interval", "1s",
        });
        foreach (var s in c.Seeders) { args.Add("--peer"); args.Add($"127.0.0.1:{s.Port}"); }
        if (encrypted) args.AddRange(["--encryption", "required"]);
        if (utp) args.AddRange(["--utp", "only"]);
        return (program, args, new Dictionary<string, string?>());
    }
}

/// <summary>python3-libtorrent 2.0 through the interop script: leech mode, direct connections to the seeders (over uTP only with <paramref name="utp"/>).</summary>
public sealed class LibtorrentClient(bool utp = false) : LeechClient
{
    public override string Name => utp ? ClientNames.LibtorrentUtp : ClientNames.Libtorrent;

    public override (string, List<string>, Dictionary<string, string?>) Command(LeechContext c)
    {
        _ = RequiredPrograms.LibtorrentVersion;
        var args = new List<string>
        {
            "-u", LibtorrentPeer.ScriptPath, "--torrent", c.Torrent.TorrentPath, "--save-path", c.SaveDir,
            "--port", Str(c.Port), "--mode", "leech", "--encryption", "disabled", "--interval", "1",
            "--transport", utp ? "utp" : "tcp",
        };
        foreach (var s in c.Seeders) { args.Add("--connect"); args.Add($"127.0.0.1:{s.Port}"); }
        return (RequiredPrograms.Python, args, new Dictionary<string, string?> { ["PYTHONHOME"] = null, ["PYTHONPATH"] = null });
    }
}

/// <summary>aria2c 1.36 (learns the seeders from opentracker; exits 0 right after completing with --seed-time=0).</summary>
public sealed class Aria2Client : LeechClient
{
    public override string Name => ClientNames.Aria2;

    public override (string, List<string>, Dictionary<string, string?>) Command(LeechContext c)
    {
        var args = new List<string>
        {
            "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--disable-ipv6=true", "--interface=127.0.0.1", $"--listen-port={c.Port}", $"--dir={c.SaveDir}",
            "--file-allocation=none", "--auto-file-renaming=false", "--allow-overwrite=true",
            "--summary-interval=1", "--console-log-level=notice", "--show-console-readout=false", "--enable-color=false",
            $"--stop-with-process={Environment.ProcessId}", "--seed-time=0",
            "--max-overall-upload-limit=0", "--max-overall-download-limit=0",
            c.Torrent.TorrentPath,
        };
        return (RequiredPrograms.Aria2c, args, new Dictionary<string, string?>());
    }
}

/// <summary>
/// transmission-cli 3.00. It never dials loopback peers, so once it has announced (its torrent is running) every seeder
/// is told to connect to it.
/// Complete when it prints "Seeding,"; then it gets SIGTERM. It decides interest/unchoke in a 10 s pulse, so its
/// transfers start up to ~10 s late: that wait is part of its measured time.
/// </summary>
public sealed class TransmissionClient : LeechClient
{
    public override string Name => ClientNames.Transmission;
    public override bool ExitsWhenComplete => false;

    public override bool IsCompletionLine(string line) => line.StartsWith("Seeding,", StringComparison.Ordinal);

    public override (string, List<string>, Dictionary<string, string?>) Command(LeechContext c)
    {
        var config = Path.Combine(c.ScratchDir, "transmission-config");
        Directory.CreateDirectory(config);
        var settings = new Dictionary<string, object>
        {
            ["bind-address-ipv4"] = "127.0.0.1", ["bind-address-ipv6"] = "::1",
            ["peer-port"] = c.Port, ["peer-port-random-on-start"] = false, ["port-forwarding-enabled"] = false,
            ["dht-enabled"] = false, ["lpd-enabled"] = false, ["pex-enabled"] = false, ["utp-enabled"] = false,
            ["encryption"] = 0, ["rename-partial-files"] = false, ["incomplete-dir-enabled"] = false,
            ["download-dir"] = c.SaveDir, ["start-added-torrents"] = true,
            ["speed-limit-down-enabled"] = false, ["speed-limit-up-enabled"] = false, ["alt-speed-enabled"] = false,
            ["ratio-limit-enabled"] = false, ["idle-seeding-limit-enabled"] = false, ["blocklist-enabled"] = false,
            ["rpc-enabled"] = false, ["message-level"] = 2,
        };
        File.WriteAllText(Path.Combine(config, "settings.json"), JsonSerializer.Serialize(settings));
        var args = new List<string>
        {
            "-o0", RequiredPrograms.TransmissionCli, "-g", config, "-w", c.SaveDir, "-p", Str(c.Port), "-et", "-M", c.Torrent.TorrentPath,
        };
        return (RequiredPrograms.Find("stdbuf", "coreutils"), args, new Dictionary<string, string?>());
    }

    public override void OnLine(string line)
    {
        // "Progress: 12.3%, dl from 1 of 1 peers (...)": transmission has a connected peer.
        var m = System.Text.RegularExpressions.Regex.Match(line, @"^Progress: [0-9.]+%, dl from \d+ of (\d+) peers");
        if (m.Success) Volatile.Write(ref _peers, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private int _peers;

    public override async Task AfterStartAsync(LeechContext c, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, c.Port, cancel).ConfigureAwait(false);
                break;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline) { await Task.Delay(50, cancel).ConfigureAwait(false); }
        }
        // Only once transmission has announced is its torrent running: a seeder that dials earlier is dropped and
        // libtorrent then waits a minute (min_reconnect_time) before dialling again. The connect is repeated every
        // 2 s until transmission reports its peers.
        var before = (await c.Tracker.ScrapeAsync(c.Torrent.InfoHashHex).ConfigureAwait(false)).Incomplete;
        while ((await c.Tracker.ScrapeAsync(c.Torrent.InfoHashHex).ConfigureAwait(false)).Incomplete <= before && DateTime.UtcNow < deadline)
            await Task.Delay(100, cancel).ConfigureAwait(false);
        _ = Task.Run(async () =>
        {
            for (var i = 0; i < 30 && Volatile.Read(ref _peers) < c.Seeders.Count && !cancel.IsCancellationRequested; i++)
            {
                foreach (var s in c.Seeders.OfType<LibtorrentPeer>()) s.ConnectTo(c.Port);
                try { await Task.Delay(2000, cancel).ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
        }, CancellationToken.None);
    }
}
