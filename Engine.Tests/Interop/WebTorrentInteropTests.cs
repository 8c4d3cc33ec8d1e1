using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// WebTorrent, the Node.js client (its own wire code: the fast extension, ut_metadata, ut_pex): we download a
/// multi-file torrent from it, dialling it, and it finds us through opentracker and downloads from us; byte-identical
/// both ways.
/// </summary>
[Trait("Category", "Interop")]
public sealed class WebTorrentInteropTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 150_000)]
    public async Task We_download_from_a_webtorrent_seeder()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "webtorrent-seed", 16 * MiB + 4321, 81, fileCount: 5, pieceLength: 256 * 1024, withTracker: false);
        await using var webtorrent = await WebTorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await webtorrent.WaitUntilSeedingAsync(Bound);
        swarm.Mark("webtorrent seeding");
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(swarm.Tmp.Sub("state")));
        var handle = await engine.AddAsync(swarm.Torrent.TorrentPath, swarm.Tmp.Sub("down"));
        handle.AddPeers([new IPEndPoint(IPAddress.Parse(WebTorrentPeer.Address), webtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        swarm.Mark("engine complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, Path.Combine(swarm.Tmp.Sub("down"), swarm.Torrent.Name));
    }

    [Fact(Timeout = 150_000)]
    public async Task A_webtorrent_leecher_finds_us_through_opentracker_and_downloads_byte_identical()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "webtorrent-leech", 16 * MiB + 1234, 82, fileCount: 5, pieceLength: 64 * 1024, withTracker: true);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(swarm.Tmp.Sub("state")));
        var seeding = await engine.AddAsync(swarm.Torrent.TorrentPath, swarm.SeedDir);
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, TimeSpan.FromSeconds(30));
        swarm.Mark("engine announced as a seeder");
        await using var webtorrent = await WebTorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("webtorrent"));
        await webtorrent.WaitForCompletionAsync(Bound);
        swarm.Mark("webtorrent complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, webtorrent.DataPath);
    }
}
