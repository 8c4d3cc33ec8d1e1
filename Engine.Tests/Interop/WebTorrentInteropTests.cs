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
        await ClientStories.WeDownloadFromAsync(swarm, webtorrent, WebTorrentPeer.Address, Bound);
    }

    [Fact(Timeout = 150_000)]
    public async Task A_webtorrent_leecher_finds_us_through_opentracker_and_downloads_byte_identical()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "webtorrent-leech", 16 * MiB + 1234, 82, fileCount: 5, pieceLength: 64 * 1024, withTracker: true);
        await ClientStories.DownloadsFromUsThroughOpenTrackerAsync(swarm, async dir => await WebTorrentPeer.StartLeecherAsync(swarm.Torrent, dir), Bound);
    }
}
