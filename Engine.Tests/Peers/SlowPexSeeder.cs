using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Peers;

/// <summary>
/// The first half of a PEX story with a real client: an engine with PEX on, seeding a fresh torrent (no tracker) at
/// <c>uploadLimit</c> bytes a second — slow, so that the client's leechers are still downloading when our PEX reaches them.
/// </summary>
public sealed class SlowPexSeeder : IAsyncDisposable
{
    private SlowPexSeeder(TestTorrent torrent, TorrentEngine engine, TorrentHandle seeding)
    {
        Torrent = torrent;
        Engine = engine;
        Seeding = seeding;
    }

    public TestTorrent Torrent { get; }
    public TorrentEngine Engine { get; }
    public TorrentHandle Seeding { get; }

    /// <summary>Data of <paramref name="size"/> bytes in two files under <paramref name="dir"/>, 32 KiB pieces; returns once the engine seeds it.</summary>
    public static async Task<SlowPexSeeder> StartAsync(TempDir dir, string name, long size, int dataSeed, long uploadLimit)
    {
        var data = TestData.CreateTree(dir.Sub("seed"), name, size, dataSeed, fileCount: 2);
        var torrent = TorrentFactory.Create(data.Root, InteropSwarm.NoTrackerAnnounce, 32 * 1024, Path.Combine(dir.FullPath, name + ".torrent"));
        var engine = TorrentEngine.Create(ApiTestEngines.Options(dir.Sub("state")) with { Pex = true, UploadLimit = uploadLimit });
        try
        {
            var seeding = await engine.AddAsync(torrent.TorrentPath, dir.Sub("seed"));
            await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
            return new SlowPexSeeder(torrent, engine, seeding);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
