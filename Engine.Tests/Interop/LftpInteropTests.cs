using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// lftp's BitTorrent client (its own C++ wire code: the fast extension, ut_metadata, ut_pex): we download a multi-file
/// torrent from it, dialling it, and it finds us through our tracker and downloads from us; byte-identical both ways.
/// </summary>
[Trait("Category", "Interop")]
public sealed class LftpInteropTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 150_000)]
    public async Task We_download_from_an_lftp_seeder()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "lftp-seed", 16 * MiB + 4321, 91, fileCount: 5, pieceLength: 256 * 1024, withTracker: false);
        await using var lftp = await LftpPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await ClientStories.WeDownloadFromAsync(swarm, lftp, lftp.Address, Bound);
    }

    /// <summary>
    /// Through our tracker, not opentracker: lftp leaves '$' (and other reserved characters) unescaped in the info-hash
    /// it announces, and opentracker answers such an announce with 400.
    /// </summary>
    [Fact(Timeout = 150_000)]
    public async Task An_lftp_leecher_finds_us_through_our_tracker_and_downloads_byte_identical()
    {
        await using var seed = await OurTrackerSeed.StartAsync("lftp-leech", 16 * MiB + 1234, 92, fileCount: 5, pieceLength: 64 * 1024, LftpPeer.RedialAsUsual);
        output.WriteLine("engine announced as a seeder");
        await using var lftp = await LftpPeer.StartLeecherAsync(seed.Torrent, seed.Tmp.Sub("lftp"));
        await lftp.WaitForCompletionAsync(Bound);
        output.WriteLine("lftp complete");
        DirectoryComparer.AssertIdentical(seed.Data.Root, lftp.DataPath);
    }
}
