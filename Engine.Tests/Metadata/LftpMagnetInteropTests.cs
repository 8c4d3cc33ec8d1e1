using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Metadata;

/// <summary>
/// Magnet links with lftp (its own ut_metadata): we fetch the metadata from an lftp seeder, and an lftp leecher with
/// only a magnet, pointed at our tracker, fetches it from us; then the data, byte-exact.
/// </summary>
[Trait("Category", "Interop")]
public sealed class LftpMagnetInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 120_000)]
    public async Task We_fetch_the_metadata_and_the_data_from_an_lftp_seeder()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "lftp-magnet-seed", 4 * 1024 * 1024 + 777, 48, fileCount: 3, pieceLength: 64 * 1024, withTracker: false);
        await using var lftp = await LftpPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await ClientStories.WeFetchAMagnetFromAsync(swarm, lftp, lftp.Address, Bound);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_lftp_leecher_with_only_a_magnet_link_finds_us_through_our_tracker_and_gets_the_metadata_and_the_data()
    {
        await using var seed = await OurTrackerSeed.StartAsync("lftp-magnet-leech", 4 * 1024 * 1024 + 555, 49, fileCount: 3, pieceLength: 64 * 1024, LftpPeer.RedialAsUsual);
        output.WriteLine("engine announced as a seeder");
        await using var lftp = await LftpPeer.StartMagnetLeecherAsync(seed.Magnet, seed.Torrent, seed.Tmp.Sub("lftp"));
        await lftp.WaitForCompletionAsync(Bound);
        output.WriteLine("lftp complete");
        DirectoryComparer.AssertIdentical(seed.Data.Root, lftp.DataPath);
    }
}
