using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Akka.TestKit;
using Engine.Events;
using Engine.Limits;
using Engine.Peers;
using Engine.Runtime;
using Engine.Tests.Support;
using Engine.Torrents;
using Engine.Trackers;

namespace Engine.Tests.Torrents;

/// <summary>
/// What the torrent does when one of its children dies (killed with Akka's <see cref="Kill"/>, found by actor path):
/// a tracker client or PeerManager is logged and started again and the download goes on to the end; a storage or
/// PieceManager puts the torrent in the Error state with the real reason. The leecher runs in the TestKit's system
/// so that its log events can be watched, and does not listen: the seeder cannot dial it back, so after a PeerManager
/// crash only the addresses the torrent remembered bring the peers back. The seeder is an engine of its own.
/// </summary>
public sealed class TorrentSupervisionTests : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private const string DeadTracker = "http://127.0.0.1:9/announce"; // refused at once: the client is up, the tracker is not

    private readonly GeneratedTorrent _data = GeneratedTorrent.Create("supervised", [("a.bin", 2 * 1024 * 1024)], 64 * 1024, seed: 41, trackers: [DeadTracker]);
    private readonly TestProbe _logs;
    private readonly EngineSystem _engine;

    public TorrentSupervisionTests() : base("akka.loglevel = WARNING")
    {
        _logs = CreateTestProbe();
        Sys.EventStream.Subscribe(_logs.Ref, typeof(Warning));
        Sys.EventStream.Subscribe(_logs.Ref, typeof(Error));
        _engine = EngineSystem.Attach(Sys, new EngineOptions
        {
            ListenOn = null,
            ResumeDirectory = _data.NewDirectory("leecher-resume"),
            PeerManager = new PeerManagerSettings { RedialInterval = TimeSpan.FromSeconds(1), RetryBackoff = TimeSpan.FromSeconds(1) },
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _data.Dispose();
    }

    [Theory]
    [InlineData("tracker", "the tracker client failed (ActorKilledException: Kill); starting a new one in 1 s")]
    [InlineData("peers", "the peer manager failed (ActorKilledException: Kill); starting a new one in 1 s")]
    public async Task A_child_of_the_swarm_that_crashes_mid_download_is_logged_started_again_and_the_download_completes(string child, string logged)
    {
        await using var seeder = await EngineNode.StartAsync("seeder", _data.Metainfo, _data.SeedDirectory, _data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, Bound);
        var leech = _data.NewDirectory("leech");
        // 2 MiB at 512 KiB/s: the crash comes early in a download of some seconds.
        var torrent = await _engine.AddAsync(_data.Metainfo, leech, new RateLimits(0, 512 * 1024));
        TestEngine.Connect(torrent, seeder.EndPoint);
        await TestEngine.WaitAsync(torrent, s => s.VerifiedPieces >= 1, Bound, "a first piece");

        var victim = await Sys.ActorSelection(torrent.Path / child).ResolveOne(Bound);
        Watch(victim);
        victim.Tell(Kill.Instance);
        await ExpectTerminatedAsync(victim);
        var warning = await _logs.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains(logged), Bound);
        Assert.IsType<ActorKilledException>(warning.Cause);
        Assert.False((await TestEngine.StatusAsync(torrent)).IsComplete, "the download was over before the crash");

        await TestEngine.WaitCompleteAsync(torrent, TimeSpan.FromSeconds(30));
        _data.AssertSameData(leech);
        var again = await Sys.ActorSelection(torrent.Path / child).ResolveOne(Bound);
        Assert.NotEqual(victim, again);
        // The tracker client is back: it answers for its tracker again (nothing answers while there is none).
        var trackers = await torrent.Ask<List<TrackerClient.TrackerState>>(new TorrentActor.GetTrackers(), Bound);
        Assert.Equal(DeadTracker, Assert.Single(trackers).Url);
        await EngineSystem.StopAsync(torrent);
    }

    [Theory]
    [InlineData("storage", "storage: Kill")]
    [InlineData("pieces", "piece manager: Kill")]
    public async Task A_storage_or_piece_manager_that_crashes_puts_the_torrent_in_error_with_the_real_reason(string child, string reason)
    {
        var torrent = await _engine.AddAsync(_data.Metainfo, _data.SeedDirectory);
        var events = CreateTestProbe();
        torrent.Tell(new TorrentActor.Subscribe(events.Ref));
        await TestEngine.WaitAsync(torrent, s => s.State == TorrentState.Seeding, Bound, "seeding");

        var victim = await Sys.ActorSelection(torrent.Path / child).ResolveOne(Bound);
        victim.Tell(Kill.Instance);
        var failed = await events.FishForMessageAsync<Failed>(_ => true, Bound);
        Assert.Equal(reason, failed.Reason);
        var status = await TestEngine.StatusAsync(torrent);
        Assert.Equal(TorrentState.Error, status.State);
        Assert.Equal(reason, status.Error);
        var error = await _logs.FishForMessageAsync<Error>(e => e.Message.ToString()!.Contains(reason), Bound);
        Assert.Contains("(ActorKilledException)", error.Message.ToString());
        Assert.IsType<ActorKilledException>(error.Cause);
        // The failed torrent still stops, without waiting for the dead child.
        await torrent.Ask<TorrentActor.TorrentStopped>(new TorrentActor.StopTorrent(), Bound);
    }
}
