using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Metadata;

/// <summary>
/// Magnet links with rtorrent (libtorrent-rakshasa's ut_metadata, not libtorrent-rasterbar's): we fetch the metadata
/// from an rtorrent seeder, and an rtorrent leecher with only a magnet fetches it from us; then the data, byte-exact.
/// </summary>
[Trait("Category", "Interop")]
public sealed class RtorrentMagnetInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 120_000)]
    public async Task We_fetch_the_metadata_and_the_data_from_an_rtorrent_seeder()
    {
        using var data = GeneratedTorrent.Create("rt-magnet", [("a.bin", 3_000_000), ("sub/b.bin", 1_234_567), ("sub/c.txt", 17)], 64 * 1024, seed: 44,
            trackers: ["http://127.0.0.1:1/announce"]); // rtorrent ignores a torrent without one; nothing listens there
        var torrent = new TestTorrent(data.TorrentPath, data.Metainfo.InfoHash.ToHex(), data.Metainfo.Name, data.Metainfo.PieceLength, data.Metainfo.TotalLength);
        await using var rtorrent = await RtorrentPeer.StartSeederAsync(torrent, data.SeedDirectory);
        await rtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));

        await using var engine = ApiTestEngines.Create(data.NewDirectory("state"));
        var target = data.NewDirectory("leech");
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{torrent.InfoHashHex}&x.pe={rtorrent.Address}:{rtorrent.Port}", target);
        await using var events = handle.Events().GetAsyncEnumerator();
        var (received, _) = await events.NextAsync<MetadataReceived>(Bound);
        Assert.Equal("rt-magnet", received.Name);
        Assert.Equal(data.Metainfo.InfoHash, handle.Metainfo!.InfoHash);
        await handle.WaitForStateAsync(ApiState.Seeding, Bound);
        data.AssertSameData(target);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_rtorrent_leecher_with_only_a_magnet_link_gets_the_metadata_and_the_data_from_us()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "rt-magnet-leech", 4 * 1024 * 1024 + 333, 45, fileCount: 3, pieceLength: 64 * 1024, withTracker: true);
        await using var engine = ApiTestEngines.Create(swarm.Tmp.Sub("state"));
        var seeding = await engine.AddAsync(swarm.Torrent.TorrentPath, swarm.SeedDir);
        await seeding.WaitForStateAsync(ApiState.Seeding, TimeSpan.FromSeconds(30));
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, TimeSpan.FromSeconds(30));
        swarm.Mark("engine announced as a seeder");

        var magnet = $"magnet:?xt=urn:btih:{swarm.Torrent.InfoHashHex}&tr={Uri.EscapeDataString(swarm.Tracker.AnnounceUrl)}";
        await using var rtorrent = await RtorrentPeer.StartMagnetLeecherAsync(magnet, swarm.Torrent, swarm.Tmp.Sub("rtorrent"));
        await rtorrent.WaitForCompletionAsync(Bound);
        swarm.Mark("rtorrent complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, rtorrent.DataPath);
    }
}
