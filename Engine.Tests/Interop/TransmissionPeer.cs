using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engine.Tests.Interop;

/// <summary>How to run a <see cref="TransmissionPeer"/>.</summary>
public sealed record TransmissionOptions
{
    /// <summary>Upload limit in KiB/s (transmission's "KB/s" are 1024 bytes); 0: unlimited.</summary>
    public int UploadLimitKiB { get; init; }

    /// <summary>transmission-cli's encryption flag: <c>-et</c> tolerated (plaintext preferred), <c>-ep</c> preferred, <c>-er</c> required.</summary>
    public string EncryptionFlag { get; init; } = "-et";

    /// <summary>Listen port on 127.0.0.1 (default: a free one from <see cref="PortAllocator"/>).</summary>
    public int? Port { get; init; }

    /// <summary>Leecher: keep running and seeding after completing (default: stop it gracefully once complete).</summary>
    public bool KeepSeeding { get; init; }

    /// <summary>Speak uTP too (libutp, on the same port over UDP); off by default.</summary>
    public bool Utp { get; init; }

    /// <summary>settings.json "message-level": 1 error, 2 info (default), 3 debug (per-piece lines).</summary>
    public int MessageLevel { get; init; } = 2;
}

/// <summary>
/// transmission-cli (3.00) with a temp config dir whose settings.json binds 127.0.0.1 and turns off DHT, LPD, PEX, uTP
/// (unless <see cref="TransmissionOptions.Utp"/>), port mapping and partial-file renaming. Transmission 3.00 never connects OUT to loopback peers it learns from a tracker
/// or PEX ("martian" addresses); it accepts incoming loopback connections. So on 127.0.0.1 the other side must connect to it.
/// Progress comes from its status line ("Progress: 45.3%, ..." / "Seeding, uploading to ...").
/// </summary>
public sealed partial class TransmissionPeer : ExternalPeer
{
    private readonly TransmissionOptions _options;
    private readonly TempDir _configDir;

    private TransmissionPeer(TestTorrent torrent, string saveDir, bool seed, int port, TransmissionOptions options)
        : base("transmission-cli", torrent, saveDir, port, seed)
    {
        _options = options;
        _configDir = new TempDir("transmission-config");
    }

    /// <summary>The -g config dir (settings.json, resume/, torrents/).</summary>
    public string ConfigDir => _configDir.FullPath;

    /// <summary>Starts a seeder of existing data in <paramref name="saveDir"/> (transmission verifies it when adding the torrent).</summary>
    public static Task<TransmissionPeer> StartSeederAsync(TestTorrent torrent, string saveDir, TransmissionOptions? options = null)
        => StartAsync(torrent, saveDir, seed: true, options ?? new TransmissionOptions());

    /// <summary>Starts a leecher into <paramref name="saveDir"/>.</summary>
    public static Task<TransmissionPeer> StartLeecherAsync(TestTorrent torrent, string saveDir, TransmissionOptions? options = null)
        => StartAsync(torrent, saveDir, seed: false, options ?? new TransmissionOptions());

    /// <summary>
    /// Waits until complete. A leecher that does not keep seeding is then stopped with SIGTERM so that transmission
    /// flushes its write cache and closes its files before the caller compares them.
    /// </summary>
    public override async Task WaitForCompletionAsync(TimeSpan timeout)
    {
        await base.WaitForCompletionAsync(timeout).ConfigureAwait(false);
        if (_options.KeepSeeding || StartedAsSeeder) return;
        await Process.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    protected override void OnLine(string line)
    {
        if (line.StartsWith("Seeding,", StringComparison.Ordinal))
        {
            ReportProgress(1, line);
            MarkSeeding();
            MarkCompleted();
            return;
        }
        var m = ProgressLine().Match(line);
        if (m.Success)
        {
            ReportProgress(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 100.0, line);
            return;
        }
        if (line.Contains("Couldn't bind port", StringComparison.Ordinal) || line.Contains("Couldn't open", StringComparison.Ordinal))
            Fail(line);
    }

    protected override ValueTask DisposeExtrasAsync()
    {
        _configDir.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"^Progress: (\d+(?:\.\d+)?)%")]
    private static partial Regex ProgressLine();

    private static async Task<TransmissionPeer> StartAsync(TestTorrent torrent, string saveDir, bool seed, TransmissionOptions options)
    {
        var program = RequiredPrograms.TransmissionCli;
        Directory.CreateDirectory(saveDir);
        return await StartOnFreePortAsync("transmission-cli", options.Port, port =>
        {
            var peer = new TransmissionPeer(torrent, saveDir, seed, port, options);
            WriteSettings(peer, port, options);
            // -et (the default here): prefer plaintext connections; -er: encrypted only. -M: no port mapping.
            // stdbuf -o0: into a pipe, stdio would hold the status lines back in a 4 KiB buffer (about 10 s of them).
            var args = new List<string> { "-o0", program, "-g", peer.ConfigDir, "-w", peer.SaveDir, "-p", port.ToString(CultureInfo.InvariantCulture), options.EncryptionFlag, "-M", torrent.TorrentPath };
            peer.Start(new ProcessSpec(RequiredPrograms.Find("stdbuf", "coreutils"), args) { Name = peer.Name, WorkingDirectory = peer.SaveDir });
            return peer;
        }, async peer =>
        {
            // transmission logs "Bound socket" only at debug level: probe the port instead.
            await peer.ProbeListeningAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            if (seed) await peer.SurviveVerificationAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// transmission-cli 3.00 polls its torrent every 200 ms and quits (code 0) when it finds it stopped, which it is for an
    /// instant between verifying the data and starting to seed: now and then a seeder exits right after its check. Such a
    /// start counts as failed (and is made again); a seeder that fails for any other reason is left to the caller's wait.
    /// </summary>
    private async Task SurviveVerificationAsync()
    {
        try { await WaitUntilSeedingAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false); }
        catch (InvalidOperationException e) when (Process.HasExited && Process.Exited.Result == 0)
        {
            throw new InvalidOperationException($"{Name} quit right after verifying its data (transmission-cli's own race)", e);
        }
    }

    private static void WriteSettings(TransmissionPeer peer, int port, TransmissionOptions options)
    {
        var settings = new Dictionary<string, object>
        {
            ["bind-address-ipv4"] = "127.0.0.1",
            ["bind-address-ipv6"] = "::1",
            ["peer-port"] = port,
            ["peer-port-random-on-start"] = false,
            ["port-forwarding-enabled"] = false,
            ["dht-enabled"] = false,
            ["lpd-enabled"] = false,
            ["pex-enabled"] = false,
            ["utp-enabled"] = options.Utp,
            ["encryption"] = 0, // tolerated: prefer plaintext
            ["rename-partial-files"] = false, // otherwise unfinished files are named *.part
            ["incomplete-dir-enabled"] = false,
            ["download-dir"] = peer.SaveDir,
            ["start-added-torrents"] = true,
            ["speed-limit-down-enabled"] = false,
            ["speed-limit-up-enabled"] = options.UploadLimitKiB > 0,
            ["speed-limit-up"] = options.UploadLimitKiB,
            ["alt-speed-enabled"] = false,
            ["ratio-limit-enabled"] = false,
            ["idle-seeding-limit-enabled"] = false,
            ["blocklist-enabled"] = false,
            ["rpc-enabled"] = false,
            ["message-level"] = options.MessageLevel,
        };
        File.WriteAllText(Path.Combine(peer.ConfigDir, "settings.json"), JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true }));
    }
}
