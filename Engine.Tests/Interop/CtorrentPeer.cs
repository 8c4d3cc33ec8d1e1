using System.Globalization;
using System.Text.RegularExpressions;

namespace Engine.Tests.Interop;

/// <summary>
/// Enhanced CTorrent (dnh3.3.2): an old, small C++ client with a wire implementation of its own — no extension
/// protocol, no fast extension, its own request and choking logic. It listens on a loopback address of its own
/// (<see cref="Address"/>), saves to <see cref="ExternalPeer.DataPath"/> (<c>-s</c>), hashes existing data at start,
/// and prints milestones: "Listening on", "Seed for others" (checked complete, or finished), "Download complete".
/// A leecher exits once complete (<c>-e 0</c>); a seeder seeds for the process's lifetime bound.
/// </summary>
public sealed partial class CtorrentPeer : ExternalPeer
{
    private CtorrentPeer(TestTorrent torrent, string saveDir, bool seed, int port, string address)
        : base("ctorrent", torrent, saveDir, port, seed) => Address = address;

    /// <summary>The address it listens on.</summary>
    public string Address { get; }

    /// <summary>Starts a seeder of existing data in <paramref name="saveDir"/>, at most <paramref name="uploadLimitKiB"/> KiB/s up (0: unlimited).</summary>
    public static Task<CtorrentPeer> StartSeederAsync(TestTorrent torrent, string saveDir, string address = "127.0.0.4", int uploadLimitKiB = 0)
        => StartAsync(torrent, saveDir, seed: true, address, uploadLimitKiB);

    /// <summary>Starts a leecher into <paramref name="saveDir"/>.</summary>
    public static Task<CtorrentPeer> StartLeecherAsync(TestTorrent torrent, string saveDir, string address = "127.0.0.4")
        => StartAsync(torrent, saveDir, seed: false, address, 0);

    /// <summary>
    /// Waits until complete. A leecher (<c>-e 0</c>) then says "Quitting" but lingers on its tracker's stopped event; it
    /// is stopped (SIGTERM) so that its cache is written out and its files closed before the caller compares them.
    /// </summary>
    public override async Task WaitForCompletionAsync(TimeSpan timeout)
    {
        await base.WaitForCompletionAsync(timeout).ConfigureAwait(false);
        if (!StartedAsSeeder) await Process.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    protected override void OnLine(string line)
    {
        if (line.StartsWith("Listening on ", StringComparison.Ordinal)) MarkListening();
        else if (line.StartsWith("Seed for others", StringComparison.Ordinal) || line.StartsWith("Download complete", StringComparison.Ordinal))
        {
            ReportProgress(1, line);
            MarkSeeding();
            MarkCompleted();
        }
        else if (Status().Match(line) is { Success: true } status)
        {
            // "- 0/0/1 [37/257/257] 2MB,0MB | …": pieces had / of the torrent / available.
            var had = double.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture);
            ReportProgress(had / double.Parse(status.Groups[2].Value, CultureInfo.InvariantCulture), line.Trim());
        }
        else if (line.StartsWith("error", StringComparison.OrdinalIgnoreCase)) Fail(line);
    }

    [GeneratedRegex(@" \[(\d+)/(\d+)/\d+\] ")]
    private static partial Regex Status();

    private static async Task<CtorrentPeer> StartAsync(TestTorrent torrent, string saveDir, bool seed, string address, int uploadLimitKiB)
    {
        var program = RequiredPrograms.Ctorrent;
        Directory.CreateDirectory(saveDir);
        return await StartOnFreePortAsync("ctorrent", null, port =>
        {
            var peer = new CtorrentPeer(torrent, saveDir, seed, port, address);
            string[] args =
            [
                "-e", seed ? "1" : "0", "-i", address, "-I", address, "-p", port.ToString(CultureInfo.InvariantCulture),
                "-U", uploadLimitKiB.ToString(CultureInfo.InvariantCulture), "-s", peer.DataPath, "-b", Path.Combine(saveDir, torrent.Name + ".ctorrent-bitfield"), torrent.TorrentPath,
            ];
            peer.Start(new ProcessSpec(program, args) { Name = peer.Name, WorkingDirectory = saveDir });
            return peer;
        }, peer => peer.WaitUntilListeningAsync(TimeSpan.FromSeconds(15))).ConfigureAwait(false);
    }
}
