using System.Net;
using Engine.Api;
using Engine.Core.Primitives;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Lsd;

/// <summary>
/// Local service discovery (BEP 14) between two engines on 127.0.0.1, with no tracker, no DHT and no address given:
/// the multicast announces go out on (and are heard on) the loopback interface the engines listen on.
/// </summary>
public sealed class LocalDiscoveryTests : IDisposable
{
    private readonly TempDir _dir = new("lsd");

    public void Dispose() => _dir.Dispose();

    private TorrentEngineOptions Options(string state) => ApiTestEngines.Options(_dir.Sub(state)) with { Lsd = true };

    [Fact]
    public async Task Two_engines_on_the_same_network_find_each_other_with_nothing_but_local_discovery()
    {
        var data = TestData.CreateTree(_dir.Sub("seed"), "lsddata", 1024 * 1024 + 3, seed: 34, fileCount: 2);
        var torrent = TorrentFactory.Create(data.Root, "http://127.0.0.1:9/announce", 32 * 1024, Path.Combine(_dir.FullPath, "lsd.torrent"));
        await using var seeder = TorrentEngine.Create(Options("s"));
        var seeding = await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForAsync(s => s.State == TorrentState.Seeding, TimeSpan.FromSeconds(30), "seeding");

        var seederSaw = seeding.Events().OfType<PeerConnected>().FirstAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        // The leecher announces itself as it starts; the seeder, which tracks the same torrent, hears it and dials.
        await using var leecher = TorrentEngine.Create(Options("l"));
        var download = await leecher.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        Assert.Equal(PeerSource.Lsd, (await seederSaw).Source);
        await download.WaitForAsync(s => s.State == TorrentState.Seeding, TimeSpan.FromSeconds(60), "the download");
        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(_dir.Sub("down"), "lsddata"));
    }
}
