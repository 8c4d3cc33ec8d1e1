using System.Globalization;
using System.Text.Json;
using Engine.Tests.Support;

namespace Engine.Tests.Interop;

/// <summary>How to run a <see cref="LibtorrentPeer"/>.</summary>
public sealed record LibtorrentOptions
{
    /// <summary>Listen port on 127.0.0.1 (default: a free one from <see cref="PortAllocator"/>).</summary>
    public int? Port { get; init; }

    /// <summary>127.0.0.1 ports to connect to directly (retried every 2 s until a first peer is connected).</summary>
    public IReadOnlyList<int> ConnectTo { get; init; } = [];

    /// <summary>Leecher: keep running and seeding after completing (default: exit when complete).</summary>
    public bool KeepSeeding { get; init; }

    /// <summary>Ignore the torrent's trackers (only direct connections).</summary>
    public bool NoTracker { get; init; }

    /// <summary>"disabled" (plaintext out, either in; the default), "enabled" or "forced" (MSE/PE).</summary>
    public string Encryption { get; init; } = "disabled";

    /// <summary>Upload limit in bytes per second (0: unlimited).</summary>
    public int UploadLimit { get; init; }

    /// <summary>Download limit in bytes per second (0: unlimited); a leecher that should have next to nothing to pass on.</summary>
    public int DownloadLimit { get; init; }

    /// <summary>The address it listens on: 127.0.0.1, ::1, or a lab address (<c>Lab.LoopbackLab</c>, a <see cref="Lab.NetLab"/> host's IPv4 or IPv6 address) for an IP of its own.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Exchange peers with connected peers (ut_pex, BEP 11); off by default.</summary>
    public bool Pex { get; init; }

    /// <summary>Local service discovery (BEP 14) on the listen interface; off by default.</summary>
    public bool Lsd { get; init; }

    /// <summary>"tcp" (the default), "utp" (uTP only: TCP refused both ways) or "both".</summary>
    public string Transport { get; init; } = "tcp";

    /// <summary>A network namespace to run in (<see cref="Lab.NetLab"/>, <see cref="Lab.NetNamespace"/>); null: the test's own.</summary>
    public string? NetNamespace { get; init; }
}

/// <summary>Latest status line of a libtorrent peer.</summary>
public sealed record LibtorrentStatus(string State, double Progress, long TotalDone, long DownloadRate, long UploadRate, int NumPeers, bool IsSeeding)
{
    /// <summary>Every peer connected at some time so far (sampled ten times a second), with the bytes last seen.</summary>
    public IReadOnlyList<LibtorrentPeerInfo> Peers { get; init; } = [];
}

/// <summary>
/// A peer a libtorrent session was connected to: its endpoint as libtorrent writes it ("11.77.0.2:6881", "[fd77::2]:6881"),
/// how it learnt of it (<see cref="Source"/>: libtorrent's <c>peer_info::source</c> bits, every one seen for the endpoint;
/// <see cref="FromPex"/>: the <c>pex</c> bit among them), the payload bytes each way, whether the connection is uTP and
/// whether it is still connected.
/// </summary>
public sealed record LibtorrentPeerInfo(string EndPoint, bool FromPex, long Downloaded, long Uploaded, bool Utp, bool Connected, int Source);

/// <summary>
/// python3-libtorrent (2.0) running Scripts/libtorrent_peer.py: TCP only on 127.0.0.1 (uTP when asked), no DHT/LSD/UPnP/NAT-PMP/PEX,
/// several connections per IP allowed. Stdin is a command pipe ("connect HOST:PORT", "reannounce"); closing it stops the script.
/// </summary>
public sealed class LibtorrentPeer : ExternalPeer
{
    private const string ScriptName = "libtorrent_peer.py";
    private readonly LibtorrentOptions _options;
    private volatile LibtorrentStatus? _status;

    private LibtorrentPeer(TestTorrent torrent, string saveDir, bool seed, int port, LibtorrentOptions options)
        : base("libtorrent", torrent, saveDir, port, seed)
    {
        _options = options;
    }

    public LibtorrentStatus? LastStatus => _status;

    /// <summary>Every peer it has been connected to, as the last status line says (<see cref="LibtorrentStatus.Peers"/>).</summary>
    public IReadOnlyList<LibtorrentPeerInfo> PeersSeen => _status?.Peers ?? [];

    /// <summary>Starts a seeder of existing data in <paramref name="saveDir"/>; returns once it listens.
    /// Call <see cref="ExternalPeer.WaitUntilSeedingAsync"/> to wait for the data check.</summary>
    public static Task<LibtorrentPeer> StartSeederAsync(TestTorrent torrent, string saveDir, LibtorrentOptions? options = null)
        => StartAsync(torrent, saveDir, seed: true, options ?? new LibtorrentOptions());

    /// <summary>Starts a leecher into <paramref name="saveDir"/>; returns once it listens.</summary>
    public static Task<LibtorrentPeer> StartLeecherAsync(TestTorrent torrent, string saveDir, LibtorrentOptions? options = null)
        => StartAsync(torrent, saveDir, seed: false, options ?? new LibtorrentOptions());

    /// <summary>Asks the session to connect to 127.0.0.1:<paramref name="port"/> (retried until a peer is connected).</summary>
    public void ConnectTo(int port) => Process.WriteLine($"connect 127.0.0.1:{port}");

    /// <summary>Asks the session to connect to <paramref name="peer"/> (a lab address, IPv4 or IPv6; retried until a peer is connected).</summary>
    public void ConnectTo(System.Net.IPEndPoint peer) => Process.WriteLine($"connect {peer}");

    /// <summary>Announces to every tracker now, ignoring their min interval and the backoff after failures.</summary>
    public void Reannounce() => Process.WriteLine("reannounce");

    public override async Task WaitForCompletionAsync(TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        await base.WaitForCompletionAsync(timeout).ConfigureAwait(false);
        if (_options.KeepSeeding) return;
        // The script removes the torrent (closing its files) and exits 0 after completing.
        var left = timeout - (DateTime.UtcNow - started);
        var code = await Process.WaitForExitAsync(left > TimeSpan.FromSeconds(10) ? left : TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        if (code != 0) throw new InvalidOperationException($"{Name} completed but exited with code {code}.\n{Describe()}");
    }

    /// <summary>Where the script is: copied beside the test assembly, else in the source tree.</summary>
    public static string ScriptPath
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "Interop", "Scripts", ScriptName);
            if (File.Exists(beside)) return beside;
            var source = Path.Combine(RepoPaths.Root, "Engine.Tests", "Interop", "Scripts", ScriptName);
            if (File.Exists(source)) return source;
            throw new FileNotFoundException($"{ScriptName} not found at {beside} nor {source}");
        }
    }

    protected override void OnLine(string line)
    {
        if (!line.StartsWith('{')) return;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString();
            if (type == "status")
            {
                var s = new LibtorrentStatus(
                    root.GetProperty("state").GetString() ?? "",
                    root.GetProperty("progress").GetDouble(),
                    root.GetProperty("total_done").GetInt64(),
                    root.GetProperty("download_rate").GetInt64(),
                    root.GetProperty("upload_rate").GetInt64(),
                    root.GetProperty("num_peers").GetInt32(),
                    root.GetProperty("is_seeding").GetBoolean()) { Peers = ReadPeers(root) };
                _status = s;
                ReportProgress(s.Progress, string.Create(CultureInfo.InvariantCulture,
                    $"{s.State} {s.Progress:P1}, {s.NumPeers} peer(s), down {s.DownloadRate / 1024} KiB/s, up {s.UploadRate / 1024} KiB/s"));
                return;
            }
            if (type != "event") return;
            switch (root.GetProperty("event").GetString())
            {
                case "listening": MarkListening(); break;
                case "seeding": MarkSeeding(); break;
                case "finished":
                    ReportProgress(1, "finished");
                    MarkCompleted();
                    if (_options.KeepSeeding) MarkSeeding();
                    break;
                case "error": Fail(root.TryGetProperty("message", out var m) ? m.GetString() ?? "error" : "error"); break;
            }
        }
        catch (JsonException) { }
        catch (KeyNotFoundException) { }
        catch (InvalidOperationException) { }
    }

    private static List<LibtorrentPeerInfo> ReadPeers(JsonElement status)
    {
        var peers = new List<LibtorrentPeerInfo>();
        if (!status.TryGetProperty("peers", out var list)) return peers;
        foreach (var p in list.EnumerateArray())
            peers.Add(new LibtorrentPeerInfo(p.GetProperty("ep").GetString() ?? "", p.GetProperty("pex").GetBoolean(),
                p.GetProperty("down").GetInt64(), p.GetProperty("up").GetInt64(), p.GetProperty("utp").GetBoolean(),
                p.GetProperty("connected").GetBoolean(), p.GetProperty("source").GetInt32()));
        return peers;
    }

    private static async Task<LibtorrentPeer> StartAsync(TestTorrent torrent, string saveDir, bool seed, LibtorrentOptions options)
    {
        _ = RequiredPrograms.LibtorrentVersion; // fails with the apt-get hint when libtorrent is missing
        var script = ScriptPath;
        Directory.CreateDirectory(saveDir);
        return await StartOnFreePortAsync("libtorrent peer", options.Port, port =>
        {
            var peer = new LibtorrentPeer(torrent, saveDir, seed, port, options);
            var args = new List<string>
            {
                "-u", script,
                "--torrent", torrent.TorrentPath,
                "--save-path", peer.SaveDir,
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--mode", seed ? "seed" : "leech",
                "--encryption", options.Encryption,
                "--host", options.Host,
                "--transport", options.Transport,
            };
            foreach (var p in options.ConnectTo) { args.Add("--connect"); args.Add($"127.0.0.1:{p}"); }
            if (options.KeepSeeding) args.Add("--keep-seeding");
            if (options.NoTracker) args.Add("--no-tracker");
            if (options.UploadLimit > 0) { args.Add("--upload-limit"); args.Add(options.UploadLimit.ToString(CultureInfo.InvariantCulture)); }
            if (options.DownloadLimit > 0) { args.Add("--download-limit"); args.Add(options.DownloadLimit.ToString(CultureInfo.InvariantCulture)); }
            if (options.Pex) args.Add("--pex");
            if (options.Lsd) args.Add("--lsd");
            peer.Start(new ProcessSpec(RequiredPrograms.Python, args)
            {
                Name = peer.Name,
                WorkingDirectory = peer.SaveDir,
                NetNamespace = options.NetNamespace,
                Environment = new Dictionary<string, string?> { ["PYTHONHOME"] = null, ["PYTHONPATH"] = null, ["PYTHONUNBUFFERED"] = "1" },
            });
            return peer;
        }, peer => peer.WaitUntilListeningAsync(TimeSpan.FromSeconds(15))).ConfigureAwait(false);
    }
}
