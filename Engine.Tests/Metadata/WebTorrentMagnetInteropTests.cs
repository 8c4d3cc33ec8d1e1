using Engine.Tests.Interop;
using Engine.Tests.TrackerServer;
using Xunit.Abstractions;

namespace Engine.Tests.Metadata;

/// <summary>
/// Magnet links with WebTorrent (the ut_metadata of its ut_metadata package): we fetch the metadata from a WebTorrent
/// seeder, and a WebTorrent leecher with only a magnet, pointed at our tracker, fetches it from us; then the data, byte-exact.
/// </summary>
[Trait("Category", "Interop")]
public sealed class WebTorrentMagnetInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 120_000)]
    public async Task We_fetch_the_metadata_and_the_data_from_a_webtorrent_seeder()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "wt-magnet-seed", 4 * 1024 * 1024 + 777, 46, fileCount: 3, pieceLength: 64 * 1024, withTracker: false);
        await using var webtorrent = await WebTorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await ClientStories.WeFetchAMagnetFromAsync(swarm, webtorrent, WebTorrentPeer.Address, Bound);
    }

    /// <summary>
    /// Before it has the metadata WebTorrent announces <c>left=</c> (empty), which opentracker answers with 400: through
    /// our tracker it is a leecher, and is handed us.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task A_webtorrent_leecher_with_only_a_magnet_link_finds_us_through_our_tracker_and_gets_the_metadata_and_the_data()
    {
        await using var seed = await OurTrackerSeed.StartAsync("wt-magnet-leech", 4 * 1024 * 1024 + 333, 47, fileCount: 3, pieceLength: 64 * 1024);
        output.WriteLine("engine announced as a seeder");
        await using var webtorrent = await WebTorrentPeer.StartMagnetLeecherAsync(seed.Magnet, seed.Torrent, seed.Tmp.Sub("webtorrent"));
        await seed.Tracker.WaitForSwarmAsync(seed.Torrent.InfoHash, seeders: 1, leechers: 1, TimeSpan.FromSeconds(20), webtorrent); // its left= announce
        await webtorrent.WaitForCompletionAsync(Bound);
        output.WriteLine("webtorrent complete");
        DirectoryComparer.AssertIdentical(seed.Data.Root, webtorrent.DataPath);
    }
}
