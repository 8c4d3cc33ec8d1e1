using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Interop;
using Engine.Tests.Support;

namespace Engine.Tests.WebSeeds;

/// <summary><see cref="TorrentOptions.WebSeeds"/> off: the torrent's url-list is never contacted, its peers still serve it.</summary>
public sealed class WebSeedSwitchTests : IDisposable
{
    private readonly TempDir _dir = new("webseed-switch");

    public void Dispose() => _dir.Dispose();

    private TorrentEngine Engine(string name) => TorrentEngine.Create(new TorrentEngineOptions
    {
        ListenOn = new IPEndPoint(IPAddress.Loopback, 0), StateDirectory = _dir.Sub(name + "-state"), Dht = false, Lsd = false,
    });

    private static async Task WaitCompleteAsync(TorrentHandle torrent)
    {
        var status = await torrent.GetStatusAsync();
        for (var until = DateTime.UtcNow + TimeSpan.FromSeconds(30); !(status.IsComplete && status.State == TorrentState.Seeding); status = await torrent.GetStatusAsync())
        {
            Assert.True(DateTime.UtcNow < until, $"not complete after 30 s: {status.VerifiedPieces}/{status.PieceCount} pieces, {status.State}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_torrent_added_without_web_seeds_completes_from_its_peer_and_no_request_reaches_the_web_seed()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var file = Path.Combine(www, "movie.bin");
        TestData.WriteFile(file, 2_000_000, 9);
        var torrent = TorrentFactory.Create(file, ["http://127.0.0.1:9/announce"], 64 * 1024, Path.Combine(_dir.FullPath, "movie.torrent"), [server.Url("/movie.bin")]);
        await using var seederEngine = Engine("seeder");
        var seeder = await seederEngine.AddAsync(torrent.TorrentPath, www);
        await WaitCompleteAsync(seeder);

        await using var engine = Engine("off");
        var off = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("off"), new TorrentOptions { WebSeeds = false });
        Assert.False(off.Options.WebSeeds);
        off.AddPeers([seederEngine.ListenEndPoint!]);
        await WaitCompleteAsync(off);
        Assert.Null(DirectoryComparer.CompareFiles(file, Path.Combine(_dir.FullPath, "off", "movie.bin")));
        Assert.Equal(0, server.RequestCount);

        // The same torrent with web seeds on (the default) does ask the server: the count above could have been more.
        await using var other = Engine("on");
        var on = await other.AddAsync(torrent.TorrentPath, _dir.Sub("on"));
        await WaitCompleteAsync(on);
        Assert.True(server.RequestCount > 0, "the web seed was never asked with web seeds on");
    }
}
