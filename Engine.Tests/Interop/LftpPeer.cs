using System.Globalization;
using System.Text.RegularExpressions;
using Engine.Api;

namespace Engine.Tests.Interop;

/// <summary>
/// lftp 4.9's <c>torrent</c> command: a file-transfer program with a BitTorrent client of its own (C++; the fast
/// extension, BEP 10 with ut_metadata and ut_pex, DHT — off here). Its sockets are bound to <see cref="Address"/>
/// (<c>net:socket-bind-ipv4</c>) and ::1. It takes peers only from 127.0.0.1 among the loopback addresses (others are
/// "invalid peer address"), which is where the tests' engines are. It saves to <see cref="ExternalPeer.DataPath"/>
/// (<c>-O</c>), validates existing data at start, and at debug level 5 on stderr (<c>-c</c>: each line names its
/// context) prints "listening on", "piece N complete", "N ipv4 peers added from PEX message", "peer version is …" and
/// its announces ("---> http://…&amp;left=0&amp;…" once it has everything). Its stdout is buffered until it exits.
/// It stays in the foreground (<c>cmd:move-background no</c>, <c>wait all</c>): by default, with a job left when the
/// <c>-c</c> commands end, it forks into the background, out of the process tree the test kills. A leecher stops and
/// exits 0 once complete (ratio 0, no seeding time); a seeder seeds for the process's lifetime bound. Its home
/// (settings, logs) is a directory of its own under the save directory.
/// </summary>
public sealed partial class LftpPeer : ExternalPeer
{
    private readonly int _pieceCount;
    private int _piecesDone, _pexAdded, _lftpPeers;

    private LftpPeer(TestTorrent torrent, string saveDir, bool seed, int port, string address, int pieceCount)
        : base("lftp", torrent, saveDir, port, seed)
    {
        Address = address;
        _pieceCount = pieceCount;
    }

    /// <summary>
    /// For an engine lftp leeches from: the default redial backoff (15 s), not the tests' 1 s. lftp closes its connection
    /// once it has the metadata and dials again at once; an engine that redials it within a second makes a duplicate,
    /// closes the one it dialled (the greater peer id dials), and lftp then black-lists its address for two hours.
    /// </summary>
    public static TorrentEngineOptions RedialAsUsual(TorrentEngineOptions options) =>
        options with { Tunables = options.Tunables with { RedialBackoff = new EngineTunables().RedialBackoff } };

    /// <summary>The address it listens on and dials from.</summary>
    public string Address { get; }

    /// <summary>Peers it took from PEX messages, as it reported them.</summary>
    public int PexPeersAdded => Volatile.Read(ref _pexAdded);

    /// <summary>Connections it had with another lftp ("peer version is lftp/…").</summary>
    public int LftpPeersMet => Volatile.Read(ref _lftpPeers);

    /// <summary>Starts a seeder of existing data in <paramref name="saveDir"/>.</summary>
    public static Task<LftpPeer> StartSeederAsync(TestTorrent torrent, string saveDir, string address = "127.0.0.6")
        => StartAsync(torrent, torrent.TorrentPath, saveDir, seed: true, address);

    /// <summary>Starts a leecher of <paramref name="torrent"/> (its .torrent file) into <paramref name="saveDir"/>.</summary>
    public static Task<LftpPeer> StartLeecherAsync(TestTorrent torrent, string saveDir, string address = "127.0.0.1")
        => StartAsync(torrent, torrent.TorrentPath, saveDir, seed: false, address);

    /// <summary>Starts a leecher that has only <paramref name="magnet"/>; <paramref name="torrent"/> is what the test expects it to get.</summary>
    public static Task<LftpPeer> StartMagnetLeecherAsync(string magnet, TestTorrent torrent, string saveDir, string address = "127.0.0.1")
        => StartAsync(torrent, magnet, saveDir, seed: false, address);

    /// <summary>A leecher: waits for its exit, which must be 0 (it exits once complete, its files closed).</summary>
    public override async Task WaitForCompletionAsync(TimeSpan timeout)
    {
        if (StartedAsSeeder)
        {
            await base.WaitForCompletionAsync(timeout).ConfigureAwait(false);
            return;
        }
        var code = await Process.WaitForExitAsync(timeout).ConfigureAwait(false);
        if (code != 0) throw new InvalidOperationException($"{Name} exited with code {code} ({ProgressText}).\n{Describe()}");
    }

    protected override void OnLine(string line)
    {
        if (line.Contains("---- listening on tcp", StringComparison.Ordinal)) MarkListening();
        else if (line.Contains("Seeding in background", StringComparison.Ordinal)
                 || StartedAsSeeder && line.Contains("---> http", StringComparison.Ordinal) && line.Contains("&left=0&", StringComparison.Ordinal))
        {
            ReportProgress(1, line);
            MarkSeeding();
            MarkCompleted();
        }
        else if (PieceComplete().IsMatch(line))
        {
            var done = Interlocked.Increment(ref _piecesDone);
            ReportProgress(_pieceCount == 0 ? -1 : (double)done / _pieceCount, $"{done}/{_pieceCount} pieces");
        }
        else if (PexAdded().Match(line) is { Success: true } pex)
            Interlocked.Add(ref _pexAdded, int.Parse(pex.Groups[1].Value, CultureInfo.InvariantCulture));
        else if (line.Contains("peer version is lftp/", StringComparison.Ordinal)) Interlocked.Increment(ref _lftpPeers);
    }

    [GeneratedRegex(@"---- piece \d+ complete")]
    private static partial Regex PieceComplete();

    [GeneratedRegex(@"(\d+) ipv4 peers added from PEX message")]
    private static partial Regex PexAdded();

    private static async Task<LftpPeer> StartAsync(TestTorrent torrent, string source, string saveDir, bool seed, string address)
    {
        var program = RequiredPrograms.Lftp;
        Directory.CreateDirectory(saveDir);
        var home = Path.Combine(saveDir, ".lftp-home");
        Directory.CreateDirectory(home);
        var pieceCount = (int)((torrent.TotalLength + torrent.PieceLength - 1) / torrent.PieceLength);
        return await StartOnFreePortAsync("lftp", null, port =>
        {
            var peer = new LftpPeer(torrent, saveDir, seed, port, address, pieceCount);
            var script = string.Join("; ",
                "debug -c 5",
                $"set torrent:port-range {port}-{port}",
                $"set net:socket-bind-ipv4 {address}",
                "set net:socket-bind-ipv6 ::1",
                "set torrent:use-dht no",
                "set torrent:save-metadata no",
                "set cmd:move-background no",
                seed ? "set torrent:stop-on-ratio 1000" : "set torrent:stop-on-ratio 0; set torrent:stop-min-ppr 0; set torrent:seed-max-time 0",
                $"torrent -O \"{saveDir}\" '{source}'",
                "wait all");
            peer.Start(new ProcessSpec(program, ["-c", script])
            {
                Name = peer.Name,
                WorkingDirectory = saveDir,
                LogCapacity = 1000, // a session's first lines (where a peer got black-listed) matter
                Environment = new Dictionary<string, string?> { ["HOME"] = home, ["XDG_CONFIG_HOME"] = null, ["XDG_DATA_HOME"] = null, ["LFTP_HOME"] = null },
            });
            return peer;
        }, peer => peer.WaitUntilListeningAsync(TimeSpan.FromSeconds(15))).ConfigureAwait(false);
    }
}
