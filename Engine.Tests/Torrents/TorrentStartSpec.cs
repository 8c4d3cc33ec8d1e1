using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Events;
using Engine.Runtime;
using Engine.Tests.Support;
using Engine.Torrents;

namespace Engine.Tests.Torrents;

/// <summary>
/// A torrent added with nothing on disk (<see cref="Engine.Storage.StartProbe"/>) starts its swarm without waiting for
/// its storage's check, and looks the same from outside: the same events in the same order, the same start-up report,
/// its zero-length files created, a peer's data downloaded.
/// </summary>
public sealed class TorrentStartSpec : TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_torrent_with_nothing_on_disk_tells_the_same_story_whether_or_not_it_waits_for_its_check(bool nothingOnDisk)
    {
        using var data = GeneratedTorrent.Create("start", [("a.bin", 300_000), ("empty.txt", 0)], 32 * 1024, seed: 3);
        var state = data.NewDirectory("state");
        var (root, _) = EngineSystem.CreateRoot(Sys, new EngineOptions { ListenOn = null, ResumeDirectory = state }, "engine-" + nothingOnDisk);
        var target = data.NewDirectory("leech");
        var events = CreateTestProbe();
        Assert.True(Engine.Storage.StartProbe.NothingOnDisk(data.Metainfo, target, Path.Combine(state, data.Metainfo.InfoHash.ToHex() + ".resume")));

        var added = await root.Ask<EngineRoot.TorrentAdded>(new EngineRoot.AddTorrent(data.Metainfo, target, Subscriber: events.Ref) { NothingOnDisk = nothingOnDisk }, Bound);

        Assert.Equal(TorrentState.Checking, events.ExpectMsg<StateChanged>(Bound).State);
        var progress = events.ExpectMsg<Progress>(Bound);
        Assert.Equal(0, progress.VerifiedPieces);
        Assert.Equal(TorrentState.Downloading, events.ExpectMsg<StateChanged>(Bound).State);
        var status = await TestEngine.WaitAsync(added.Torrent, s => s.Startup is not null, Bound, "the start-up report");
        Assert.Equal(new StartupReport(0, StartupSource.NoData), status.Startup);
        // The storage ran its check all the same: the zero-length file is there.
        await AwaitConditionAsync(() => Task.FromResult(File.Exists(Path.Combine(target, data.Metainfo.Name, "empty.txt"))), Bound);

        await using var seeder = await TestEngine.StartAsync(name: "seeder-" + nothingOnDisk);
        var seed = await seeder.System.AddAsync(data.Metainfo, data.SeedDirectory);
        await TestEngine.WaitAsync(seed, s => s.State == TorrentState.Seeding, Bound, "the seeder's check");
        TestEngine.Connect(added.Torrent, seeder.EndPoint);
        await TestEngine.WaitCompleteAsync(added.Torrent, Bound);
        data.AssertSameData(target);
    }
}
