using System.Globalization;
using System.Text.RegularExpressions;

namespace Engine.Tests.Interop;

/// <summary>How to run an <see cref="RtorrentPeer"/>.</summary>
public sealed record RtorrentOptions
{
    /// <summary>
    /// The loopback address it binds and announces from. rtorrent handshakes with one peer per address at a time and
    /// connects to itself when the tracker lists it: on 127.0.0.1 beside its own entry it never reached the others.
    /// </summary>
    public string Address { get; init; } = "127.0.0.3";

    /// <summary>Upload limit in KiB/s; 0: unlimited.</summary>
    public int UploadLimitKiB { get; init; }

    /// <summary>
    /// <c>protocol.encryption.set</c>'s flags, e.g. <c>allow_incoming,require,require_RC4</c>; null: rtorrent's default
    /// (plaintext, encrypted accepted and retried).
    /// </summary>
    public string? Encryption { get; init; }
}

/// <summary>
/// rtorrent 0.9.8 (libtorrent-rakshasa, a wire implementation of its own) as a daemon (<c>-n</c>: not the user's
/// rtorrent.rc but one written in its session directory): its own loopback address, one fixed port, no DHT, PEX or UDP
/// trackers, its encryption default unless told (<see cref="RtorrentOptions.Encryption"/>), and its log on stdout, from which the milestones come:
/// "listen port N opened", the baseline set as the torrent starts with every byte complete (seeding), and "Received
/// finished" (a leecher completed; it then checks its data again and seeds on; a magnet's metadata finishes first). It
/// ignores a torrent without an announce URL (trackerless torrents need one, even an unreachable one).
/// </summary>
public sealed partial class RtorrentPeer : ExternalPeer
{
    private readonly TempDir _sessionDir = new("rtorrent-session");
    private int _finishesLeft;

    private RtorrentPeer(TestTorrent torrent, string saveDir, bool seed, int port, RtorrentOptions options, bool magnet)
        : base("rtorrent", torrent, saveDir, port, seed)
    {
        Address = options.Address;
        _finishesLeft = magnet ? 2 : 1; // a magnet's metadata is a download of its own, which finishes first
    }

    /// <summary>The address it listens and announces on.</summary>
    public string Address { get; }

    /// <summary>Starts a seeder of existing data in <paramref name="saveDir"/> (rtorrent hashes it first).</summary>
    public static Task<RtorrentPeer> StartSeederAsync(TestTorrent torrent, string saveDir, RtorrentOptions? options = null)
        => StartAsync(torrent, saveDir, seed: true, options ?? new RtorrentOptions());

    /// <summary>Starts a leecher into <paramref name="saveDir"/>.</summary>
    public static Task<RtorrentPeer> StartLeecherAsync(TestTorrent torrent, string saveDir, RtorrentOptions? options = null)
        => StartAsync(torrent, saveDir, seed: false, options ?? new RtorrentOptions());

    /// <summary>
    /// Starts a leecher that has only <paramref name="magnet"/> (it finds peers through the magnet's <c>tr</c>): it
    /// fetches the metadata (BEP 9) first, then <paramref name="torrent"/>'s data into <paramref name="saveDir"/>.
    /// </summary>
    public static Task<RtorrentPeer> StartMagnetLeecherAsync(string magnet, TestTorrent torrent, string saveDir, RtorrentOptions? options = null)
        => StartAsync(torrent, saveDir, seed: false, options ?? new RtorrentOptions(), magnet);

    protected override void OnLine(string line)
    {
        if (line.Contains("listen port " + Port.ToString(CultureInfo.InvariantCulture) + " opened", StringComparison.Ordinal))
        {
            MarkListening();
            return;
        }
        var baseline = Baseline().Match(line);
        if (baseline.Success && long.Parse(baseline.Groups[1].Value, CultureInfo.InvariantCulture) == Torrent.TotalLength)
        {
            ReportProgress(1, line);
            MarkSeeding();
            MarkCompleted();
            return;
        }
        if (line.Contains("download_list: Received finished.", StringComparison.Ordinal) && Interlocked.Decrement(ref _finishesLeft) == 0)
        {
            ReportProgress(1, line);
            MarkCompleted();
            MarkSeeding();
            return;
        }
        if (line.Contains("Could not open/bind port", StringComparison.OrdinalIgnoreCase)
            || line.Contains("Could not create directory", StringComparison.OrdinalIgnoreCase))
            Fail(line);
    }

    protected override ValueTask DisposeExtrasAsync()
    {
        _sessionDir.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"Setting new baseline on start: uploaded:\d+ completed:(\d+)\.")]
    private static partial Regex Baseline();

    private static async Task<RtorrentPeer> StartAsync(TestTorrent torrent, string saveDir, bool seed, RtorrentOptions options, string? magnet = null)
    {
        var program = RequiredPrograms.Rtorrent;
        Directory.CreateDirectory(saveDir);
        return await StartOnFreePortAsync("rtorrent", null, port =>
        {
            var peer = new RtorrentPeer(torrent, saveDir, seed, port, options, magnet is not null);
            var config = Path.Combine(peer._sessionDir.FullPath, "rtorrent.rc");
            File.WriteAllLines(config,
            [
                $"network.bind_address.set = {options.Address}",
                $"network.local_address.set = {options.Address}",
                $"network.port_range.set = {port}-{port}",
                "network.port_random.set = no",
                "dht.mode.set = disable",
                "protocol.pex.set = no",
                "trackers.use_udp.set = no",
                $"throttle.global_up.max_rate.set_kb = {options.UploadLimitKiB}",
                $"session.path.set = \"{peer._sessionDir.FullPath}\"",
                $"directory.default.set = \"{peer.SaveDir}\"",
                "system.daemon.set = true",
                "log.open_file = \"main\", /dev/stdout",
                "log.add_output = \"debug\", \"main\"", // its "info" output holds only the notices
                options.Encryption is { } flags ? "protocol.encryption.set = " + flags : "",
            ]);
            // -n: no ~/.rtorrent.rc; the settings above instead.
            string[] args = ["-n", "-o", "import=" + config, "-o", "load.start=" + (magnet ?? torrent.TorrentPath)];
            peer.Start(new ProcessSpec(program, args) { Name = peer.Name, WorkingDirectory = peer.SaveDir });
            return peer;
        }, peer => peer.WaitUntilListeningAsync(TimeSpan.FromSeconds(15))).ConfigureAwait(false);
    }
}
