using System.Globalization;
using System.Text.RegularExpressions;

namespace Engine.Tests.Interop;

/// <summary>How to run an <see cref="Aria2Peer"/>.</summary>
public sealed record Aria2Options
{
    /// <summary>Listen port on 127.0.0.1 (default: a free one from <see cref="PortAllocator"/>).</summary>
    public int? Port { get; init; }

    /// <summary>Leecher: keep running and seeding after completing (default: exit when complete, --seed-time=0).</summary>
    public bool KeepSeeding { get; init; }

    /// <summary>Extra aria2c arguments (e.g. "--bt-require-crypto=true").</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}

/// <summary>
/// aria2c (1.36) seeding or leeching one torrent, bound to 127.0.0.1, no DHT/LPD/PEX, IPv6 off. aria2 has no option
/// to connect to a given peer: it only learns peers from trackers (or DHT/PEX, which are off), so runs need a tracker.
/// Progress comes from its one-second summary lines ("[#gid 1.2MiB/7.9MiB(15%) CN:1 ...]", "[#gid SEED(0.0) ...]").
/// </summary>
public sealed partial class Aria2Peer : ExternalPeer
{
    private readonly Aria2Options _options;

    private Aria2Peer(TestTorrent torrent, string saveDir, bool seed, int port, Aria2Options options)
        : base("aria2c", torrent, saveDir, port, seed)
    {
        _options = options;
    }

    /// <summary>Starts a seeder of existing data in <paramref name="saveDir"/> (verified with --check-integrity).</summary>
    public static Task<Aria2Peer> StartSeederAsync(TestTorrent torrent, string saveDir, Aria2Options? options = null)
        => StartAsync(torrent, saveDir, seed: true, options ?? new Aria2Options());

    /// <summary>Starts a leecher into <paramref name="saveDir"/>; it exits with code 0 when complete (unless KeepSeeding).</summary>
    public static Task<Aria2Peer> StartLeecherAsync(TestTorrent torrent, string saveDir, Aria2Options? options = null)
        => StartAsync(torrent, saveDir, seed: false, options ?? new Aria2Options());

    public override async Task WaitForCompletionAsync(TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        await base.WaitForCompletionAsync(timeout).ConfigureAwait(false);
        if (_options.KeepSeeding || StartedAsSeeder) return;
        var left = timeout - (DateTime.UtcNow - started);
        var code = await Process.WaitForExitAsync(left > TimeSpan.FromSeconds(10) ? left : TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        if (code != 0) throw new InvalidOperationException($"{Name} completed but exited with code {code}.\n{Describe()}");
    }

    protected override void OnLine(string line)
    {
        if (line.Contains("BitTorrent: listening on TCP port", StringComparison.Ordinal) && line.Contains("IPv4", StringComparison.Ordinal))
        {
            MarkListening();
            return;
        }
        if (line.Contains("Download complete:", StringComparison.Ordinal) || line.Contains("Seeding is over.", StringComparison.Ordinal))
        {
            ReportProgress(1, line);
            MarkCompleted();
            return;
        }
        if (line.Contains("failed to bind TCP port", StringComparison.Ordinal) && line.Contains("IPv4", StringComparison.Ordinal))
        {
            Fail(line);
            return;
        }
        var seed = SeedSummary().Match(line);
        if (seed.Success)
        {
            ReportProgress(1, line);
            MarkSeeding();
            MarkCompleted();
            return;
        }
        var progress = ProgressSummary().Match(line);
        if (progress.Success)
            ReportProgress(int.Parse(progress.Groups[1].Value, CultureInfo.InvariantCulture) / 100.0, line);
    }

    [GeneratedRegex(@"^\[#[0-9a-f]+ SEED\(")]
    private static partial Regex SeedSummary();

    [GeneratedRegex(@"^\[#[0-9a-f]+ \S+/\S+\((\d+)%\)")]
    private static partial Regex ProgressSummary();

    private static async Task<Aria2Peer> StartAsync(TestTorrent torrent, string saveDir, bool seed, Aria2Options options)
    {
        var program = RequiredPrograms.Aria2c;
        Directory.CreateDirectory(saveDir);
        return await StartOnFreePortAsync("aria2c", options.Port, port =>
        {
            var peer = new Aria2Peer(torrent, saveDir, seed, port, options);
            var args = new List<string>
            {
                "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                "--disable-ipv6=true", "--interface=127.0.0.1",
                $"--listen-port={port}",
                $"--dir={peer.SaveDir}",
                "--check-integrity=true", "--bt-hash-check-seed=true",
                "--file-allocation=none", "--auto-file-renaming=false", "--allow-overwrite=true",
                "--summary-interval=1", "--console-log-level=notice", "--show-console-readout=false", "--enable-color=false",
                $"--stop-with-process={Environment.ProcessId}",
                "--max-overall-upload-limit=0", "--max-overall-download-limit=0",
            };
            // Seeder: no ratio/time limit. Leecher: stop right after completing unless asked to keep seeding.
            if (seed || options.KeepSeeding) args.Add("--seed-ratio=0.0");
            else args.Add("--seed-time=0");
            args.AddRange(options.ExtraArguments);
            args.Add(torrent.TorrentPath);
            peer.Start(new ProcessSpec(program, args) { Name = peer.Name, WorkingDirectory = peer.SaveDir });
            return peer;
        }, peer => peer.WaitUntilListeningAsync(TimeSpan.FromSeconds(30))).ConfigureAwait(false);
    }
}
