using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Engine.Cluster.Trackers;
using Engine.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Cluster.Trackers;

/// <summary>The front ends' backend when the shard never answers: every question ends within the ask timeout.</summary>
public sealed class ShardedTrackerBackendTests : IDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMilliseconds(300);
    private readonly ActorSystem _system = ActorSystem.Create("backend-test");
    private readonly ShardedTrackerBackend _backend;

    public ShardedTrackerBackendTests()
    {
        var silent = _system.ActorOf(Props.Empty, "silent-region"); // takes every message, answers none
        _backend = new ShardedTrackerBackend(silent, new TrackerOptions { AllowList = new HashSet<Engine.Core.Primitives.InfoHash> { Hash(1), Hash(2) } }, 16, AskTimeout);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static async Task<T> WithinAsync<T>(Func<ValueTask<T>> ask)
    {
        var clock = Stopwatch.StartNew();
        var result = await ask();
        Assert.InRange(clock.Elapsed, AskTimeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
        return result;
    }

    [Fact]
    public async Task An_announce_nobody_answers_gets_a_failure_reason_after_the_ask_timeout()
    {
        var result = await WithinAsync(() => _backend.AnnounceAsync(Announce(Hash(1), 1), IPAddress.Loopback));
        Assert.Equal(_backend.NoAnswer, result.Failure);
        Assert.StartsWith(TrackerHttpRoutes.Unavailable, result.Failure);
        Assert.Contains("did not answer within 0.3 s", result.Failure);
        Assert.Empty(result.Peers);
    }

    [Fact]
    public async Task A_torrent_off_the_allow_list_is_refused_without_asking()
    {
        var clock = Stopwatch.StartNew();
        var result = await _backend.AnnounceAsync(Announce(Hash(3), 1), IPAddress.Loopback);
        Assert.Equal(TrackerRegistry.NotAllowedMessage, result.Failure);
        Assert.True(clock.Elapsed < AskTimeout, $"took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task The_other_questions_end_too_empty_or_refused()
    {
        var stats = await WithinAsync(() => _backend.ScrapeAsync([Hash(1), Hash(2)]));
        Assert.All(stats, s => Assert.Equal((0, 0, 0), (s.Complete, s.Downloaded, s.Incomplete)));
        var catalog = await WithinAsync(() => _backend.CatalogAsync(100));
        Assert.Equal((0, 0, 0), (catalog.Entries.Count, catalog.TorrentCount, catalog.PeerCount));
        Assert.Null(await WithinAsync(() => _backend.PeersAsync(Hash(1), 10)));
        Assert.Null(await WithinAsync(() => _backend.TorrentFileAsync(Hash(1))));
        var published = await WithinAsync(() => _backend.PublishAsync(TorrentFile("x", 1024)));
        Assert.StartsWith(TrackerHttpRoutes.Unavailable, published.Error);
    }
}
