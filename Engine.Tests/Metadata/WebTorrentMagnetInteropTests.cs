using System.Net;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Engine.Tests.TrackerServer;
using Engine.TrackerServer;
using Xunit.Abstractions;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Metadata;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

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
        await webtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));

        await using var engine = ApiTestEngines.Create(swarm.Tmp.Sub("state"));
        var target = swarm.Tmp.Sub("leech");
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{swarm.Torrent.InfoHashHex}&x.pe={WebTorrentPeer.Address}:{webtorrent.Port}", target);
        await using var events = handle.Events().GetAsyncEnumerator();
        var (received, _) = await events.NextAsync<MetadataReceived>(Bound);
        Assert.Equal(swarm.Torrent.Name, received.Name);
        await handle.WaitForStateAsync(ApiState.Seeding, Bound);
        swarm.Mark("engine complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, Path.Combine(target, swarm.Torrent.Name));
    }

    /// <summary>
    /// Before it has the metadata WebTorrent announces <c>left=</c> (empty), which opentracker answers with 400: through
    /// our tracker it is a leecher, and is handed us.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task A_webtorrent_leecher_with_only_a_magnet_link_finds_us_through_our_tracker_and_gets_the_metadata_and_the_data()
    {
        using var tmp = new TempDir("wt-magnet-leech");
        await using var tracker = new TrackerServer(new TrackerOptions { Interval = TimeSpan.FromSeconds(30), MinInterval = TimeSpan.FromSeconds(1) });
        await tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), udp: null);
        var data = TestData.CreateTree(tmp.Sub("seed"), "payload", 4 * 1024 * 1024 + 333, 47, fileCount: 3);
        var torrent = TorrentFactory.Create(data.Root, tracker.HttpAnnounceUrl!, 64 * 1024, Path.Combine(tmp, "payload.torrent"));
        await using var engine = ApiTestEngines.Create(tmp.Sub("state"));
        var seeding = await engine.AddAsync(torrent.TorrentPath, tmp.Sub("seed"));
        await seeding.WaitForStateAsync(ApiState.Seeding, TimeSpan.FromSeconds(30));
        await tracker.WaitForSwarmAsync(torrent.InfoHash, seeders: 1, leechers: 0, TimeSpan.FromSeconds(20));
        output.WriteLine("engine announced as a seeder");

        var magnet = $"magnet:?xt=urn:btih:{torrent.InfoHashHex}&tr={Uri.EscapeDataString(tracker.HttpAnnounceUrl!)}";
        await using var webtorrent = await WebTorrentPeer.StartMagnetLeecherAsync(magnet, torrent, tmp.Sub("webtorrent"));
        await tracker.WaitForSwarmAsync(torrent.InfoHash, seeders: 1, leechers: 1, TimeSpan.FromSeconds(20), webtorrent); // its left= announce
        await webtorrent.WaitForCompletionAsync(Bound);
        output.WriteLine("webtorrent complete");
        DirectoryComparer.AssertIdentical(data.Root, webtorrent.DataPath);
    }
}
