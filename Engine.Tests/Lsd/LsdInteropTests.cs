using Engine.Api;
using Engine.Core.Primitives;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Lsd;

/// <summary>
/// Local service discovery (BEP 14) with python3-libtorrent on 127.0.0.1: neither side is given the other's address,
/// there is no tracker and no DHT, only the multicast announces on the loopback interface both listen on.
/// </summary>
[Trait("Category", "Interop")]
public sealed class LsdInteropTests : IDisposable
{
    private readonly TempDir _dir = new("lsdinterop");

    public void Dispose() => _dir.Dispose();

    private TorrentEngineOptions Options() => ApiTestEngines.Options(_dir.Sub("state")) with { Lsd = true };

    [Fact]
    public async Task We_download_from_a_libtorrent_seeder_we_only_heard_announce_itself()
    {
        var data = TestData.CreateTree(_dir.Sub("seed"), "lsd1", 1024 * 1024 + 11, seed: 35, fileCount: 2);
        var torrent = TorrentFactory.Create(data.Root, "http://127.0.0.1:9/announce", 32 * 1024, Path.Combine(_dir.FullPath, "lsd1.torrent"));
        await using var engine = TorrentEngine.Create(Options());
        var download = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        var connected = download.Events().OfType<PeerConnected>().FirstAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        // libtorrent announces the torrent once it has checked it, then every five minutes: we hear it and dial.
        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { Lsd = true, NoTracker = true });
        var peer = await connected;
        Assert.Equal((PeerSource.Lsd, seeder.Port), (peer.Source, peer.EndPoint.Port));
        await download.WaitForAsync(s => s.State == TorrentState.Seeding, TimeSpan.FromSeconds(60), "the download");
        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(_dir.Sub("down"), "lsd1"));
    }

    [Fact]
    public async Task A_libtorrent_leecher_that_hears_our_announce_downloads_from_us()
    {
        var data = TestData.CreateTree(_dir.Sub("seed"), "lsd2", 1024 * 1024 + 13, seed: 36, fileCount: 2);
        var torrent = TorrentFactory.Create(data.Root, "http://127.0.0.1:9/announce", 32 * 1024, Path.Combine(_dir.FullPath, "lsd2.torrent"));
        // The leecher starts first, so that the announce it hears is the one we make as the torrent starts.
        await using var leecher = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down"), new LibtorrentOptions { Lsd = true, NoTracker = true });
        await using var engine = TorrentEngine.Create(Options());
        await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        // Nothing else could have told it of us: no tracker, no DHT, no address.
        await leecher.WaitForCompletionAsync(TimeSpan.FromSeconds(90));
        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(_dir.Sub("down"), "lsd2"));
    }
}
