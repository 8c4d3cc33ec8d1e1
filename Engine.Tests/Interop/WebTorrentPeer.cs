using System.Collections.Concurrent;
using System.Globalization;
using Engine.Tests.Support;

namespace Engine.Tests.Interop;

/// <summary>
/// WebTorrent 1.9.7 (Node.js, the bittorrent-protocol wire code with the fast extension, ut_metadata and ut_pex; no
/// encryption) running Scripts/webtorrent/webtorrent_peer.js: TCP on a loopback address of its own, no DHT, LSD, uTP
/// or web seeds. The script prints "listening", "seeding", "progress HAVE/TOTAL …", "complete" and "error …"; a leecher
/// closes its files and exits 0 once complete. Its package is installed by run-tests.sh (<c>npm ci --ignore-scripts</c>).
/// </summary>
public sealed class WebTorrentPeer : ExternalPeer
{
    private readonly ConcurrentQueue<string> _wires = new();
    private readonly ConcurrentQueue<string> _pexPeers = new();

    private WebTorrentPeer(TestTorrent torrent, string saveDir, bool seed, int port)
        : base("webtorrent", torrent, saveDir, port, seed)
    {
    }

    /// <summary>The address it listens on: the one its announces leave from, so that a tracker hands out a reachable address.</summary>
    public static string Address => "127.0.0.1";

    /// <summary>Starts a seeder of existing data in <paramref name="saveDir"/>; returns once it listens.</summary>
    public static Task<WebTorrentPeer> StartSeederAsync(TestTorrent torrent, string saveDir, int uploadLimit = 0)
        => StartAsync(torrent, saveDir, seed: true, magnet: null, [], uploadLimit);

    /// <summary>Starts a leecher into <paramref name="saveDir"/> that dials <paramref name="peers"/> ("host:port").</summary>
    public static Task<WebTorrentPeer> StartLeecherAsync(TestTorrent torrent, string saveDir, params string[] peers)
        => StartAsync(torrent, saveDir, seed: false, magnet: null, peers, 0);

    /// <summary>Starts a leecher that has only <paramref name="magnet"/> and dials <paramref name="peers"/>.</summary>
    public static Task<WebTorrentPeer> StartMagnetLeecherAsync(string magnet, TestTorrent torrent, string saveDir, params string[] peers)
        => StartAsync(torrent, saveDir, seed: false, magnet, peers, 0);

    /// <summary>Every connection it made or took, as "host:port" (an outgoing one's port is the peer's listen port).</summary>
    public IReadOnlyCollection<string> Wires => _wires;

    /// <summary>Every peer a ut_pex message told it of, as "host:port".</summary>
    public IReadOnlyCollection<string> PexPeers => _pexPeers;

    /// <summary>The script in the source tree (its node_modules are installed beside it).</summary>
    public static string ScriptPath
    {
        get
        {
            var dir = Path.Combine(RepoPaths.Root, "Engine.Tests", "Interop", "Scripts", "webtorrent");
            if (!Directory.Exists(Path.Combine(dir, "node_modules", "webtorrent")))
                throw new MissingProgramException(
                    $"WebTorrent is not installed in {dir}: cd there and run npm ci --ignore-scripts (./run-tests.sh does)");
            return Path.Combine(dir, "webtorrent_peer.js");
        }
    }

    public override async Task WaitForCompletionAsync(TimeSpan timeout)
    {
        await base.WaitForCompletionAsync(timeout).ConfigureAwait(false);
        if (StartedAsSeeder) return;
        var code = await Process.WaitForExitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        if (code != 0) throw new InvalidOperationException($"{Name} completed but exited with code {code}.\n{Describe()}");
    }

    protected override void OnLine(string line)
    {
        if (line.StartsWith("listening ", StringComparison.Ordinal)) MarkListening();
        else if (line == "seeding") MarkSeeding();
        else if (line == "complete")
        {
            ReportProgress(1, line);
            MarkCompleted();
        }
        else if (line.StartsWith("wire ", StringComparison.Ordinal)) _wires.Enqueue(line[5..]);
        else if (line.StartsWith("pex ", StringComparison.Ordinal)) _pexPeers.Enqueue(line.Split(' ')[1]);
        else if (line.StartsWith("progress ", StringComparison.Ordinal))
        {
            var fields = line.Split(' ');
            var counts = fields[1].Split('/');
            if (double.TryParse(counts[0], CultureInfo.InvariantCulture, out var have) &&
                double.TryParse(counts[1], CultureInfo.InvariantCulture, out var total) && total > 0)
                ReportProgress(have / total, line);
        }
        else if (line.StartsWith("error", StringComparison.Ordinal)) Fail(line);
    }

    private static async Task<WebTorrentPeer> StartAsync(TestTorrent torrent, string saveDir, bool seed, string? magnet, string[] peers, int uploadLimit)
    {
        var node = RequiredPrograms.Find("node", "nodejs");
        var script = ScriptPath;
        Directory.CreateDirectory(saveDir);
        return await StartOnFreePortAsync("webtorrent", null, port =>
        {
            var peer = new WebTorrentPeer(torrent, saveDir, seed, port);
            var args = new List<string> { script, "--path", peer.SaveDir, "--port", port.ToString(CultureInfo.InvariantCulture), "--host", Address };
            if (magnet is null) args.AddRange(["--torrent", torrent.TorrentPath]);
            else args.AddRange(["--magnet", magnet]);
            if (seed) args.Add("--seed");
            if (uploadLimit > 0) args.AddRange(["--upload-limit", uploadLimit.ToString(CultureInfo.InvariantCulture)]);
            foreach (var p in peers) args.AddRange(["--peer", p]);
            peer.Start(new ProcessSpec(node, args) { Name = peer.Name, WorkingDirectory = saveDir });
            return peer;
        }, peer => peer.WaitUntilListeningAsync(TimeSpan.FromSeconds(15))).ConfigureAwait(false);
    }
}
