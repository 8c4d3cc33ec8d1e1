using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// Enhanced CTorrent, a client with neither the extension protocol nor the fast extension: we download a multi-file
/// torrent from it (dialling it), and it finds us through opentracker and downloads from us; byte-identical both ways.
/// </summary>
[Trait("Category", "Interop")]
public sealed class CtorrentInteropTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 150_000)]
    public async Task We_download_from_a_ctorrent_seeder()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "ctorrent-seed", 16 * MiB + 4321, 71, fileCount: 5, pieceLength: 256 * 1024, withTracker: false);
        await using var ctorrent = await CtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await ClientStories.WeDownloadFromAsync(swarm, ctorrent, ctorrent.Address, Bound);
    }

    [Fact(Timeout = 150_000)]
    public async Task A_ctorrent_leecher_finds_us_through_opentracker_and_downloads_byte_identical()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "ctorrent-leech", 16 * MiB + 1234, 72, fileCount: 5, pieceLength: 64 * 1024, withTracker: true);
        await ClientStories.DownloadsFromUsThroughOpenTrackerAsync(swarm, async dir => await CtorrentPeer.StartLeecherAsync(swarm.Torrent, dir), Bound);
    }
}
