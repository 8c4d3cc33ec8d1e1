using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.TrackerServer;
using Engine.TrackerServer;

namespace Engine.Tests.Interop;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

/// <summary>
/// A torrent on our own tracker (in-process, on 127.0.0.1), seeded by one engine that the tracker already lists: for
/// real clients whose announces opentracker refuses (WebTorrent's empty <c>left</c> before the metadata, lftp's
/// unescaped <c>$</c> in the info-hash).
/// </summary>
public sealed class OurTrackerSeed : IAsyncDisposable
{
    private OurTrackerSeed(TempDir tmp, TrackerServer tracker, TestDataSet data, TestTorrent torrent, TorrentEngine engine)
    {
        Tmp = tmp;
        Tracker = tracker;
        Data = data;
        Torrent = torrent;
        Engine = engine;
    }

    public TempDir Tmp { get; }
    public TrackerServer Tracker { get; }
    public TestDataSet Data { get; }
    public TestTorrent Torrent { get; }
    public TorrentEngine Engine { get; }

    /// <summary>A magnet link with the info-hash and our tracker only.</summary>
    public string Magnet => $"magnet:?xt=urn:btih:{Torrent.InfoHashHex}&tr={Uri.EscapeDataString(Tracker.HttpAnnounceUrl!)}";

    /// <summary>
    /// Makes the data and the torrent, starts the tracker and the seeding engine (its options from
    /// <see cref="ApiTestEngines.Options"/>, then <paramref name="configure"/>), and waits until the tracker lists it as a seeder.
    /// </summary>
    public static async Task<OurTrackerSeed> StartAsync(string name, long size, int dataSeed, int fileCount, int pieceLength,
        Func<TorrentEngineOptions, TorrentEngineOptions>? configure = null)
    {
        var tmp = new TempDir(name);
        var tracker = new TrackerServer(new TrackerOptions { Interval = TimeSpan.FromSeconds(30), MinInterval = TimeSpan.FromSeconds(1) });
        TorrentEngine? engine = null;
        try
        {
            await tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), udp: null);
            var data = TestData.CreateTree(tmp.Sub("seed"), "payload", size, dataSeed, fileCount);
            var torrent = TorrentFactory.Create(data.Root, tracker.HttpAnnounceUrl!, pieceLength, Path.Combine(tmp, "payload.torrent"));
            var options = ApiTestEngines.Options(tmp.Sub("state"));
            engine = TorrentEngine.Create(configure is null ? options : configure(options));
            var seeding = await engine.AddAsync(torrent.TorrentPath, tmp.Sub("seed"));
            await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
            await tracker.WaitForSwarmAsync(torrent.InfoHash, seeders: 1, leechers: 0, TimeSpan.FromSeconds(20));
            return new OurTrackerSeed(tmp, tracker, data, torrent, engine);
        }
        catch
        {
            if (engine is not null) await engine.DisposeAsync();
            await tracker.DisposeAsync();
            tmp.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Tracker.DisposeAsync();
        Tmp.Dispose();
    }
}
