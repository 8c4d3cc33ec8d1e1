using System.Diagnostics;
using Akka.Actor;
using Engine.Api;
using Engine.Core.Bencode;
using Engine.Tests.Support;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Api;

/// <summary>Stopping is bounded and leaves no file open; trackers are reported; an engine can live inside another ActorSystem.</summary>
public sealed class TorrentEngineStopTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-api-stop-").FullName;
    private readonly ManualResetEventSlim _release = new();

    public void Dispose()
    {
        _release.Set();
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    /// <summary>A tracker that answers the first announce and never answers <c>stopped</c> (until the test ends).</summary>
    private TinyHttpServer HangingTracker() => new(target =>
    {
        if (target.Contains("event=stopped", StringComparison.Ordinal)) _release.Wait(TimeSpan.FromSeconds(30));
        return (200, new BDictionaryBuilder().Add("interval", 1800).Add("peers", ReadOnlyMemory<byte>.Empty).ToArray());
    });

    [Fact]
    public async Task StopAsync_finishes_within_five_seconds_when_trackers_never_answer_stopped_and_leaves_no_file_open()
    {
        await using var tracker = HangingTracker();
        var torrents = Enumerable.Range(0, 3)
            .Select(i => GeneratedTorrent.Create($"hang{i}", [("a.bin", 200_000), ("b/c.bin", 10_000)], 32 * 1024, seed: i, trackers: [tracker.Url("/announce")]))
            .ToList();
        try
        {
            var engine = ApiTestEngines.Create(Path.Combine(_state, "s"));
            var handles = new List<TorrentHandle>();
            foreach (var t in torrents) handles.Add(await engine.AddAsync(t.Bytes, t.SeedDirectory));
            foreach (var h in handles)
                await h.WaitForAsync(s => s.State == ApiState.Seeding, TimeSpan.FromSeconds(15), "seeding");
            // Every torrent has announced 'started' (so each has a stopped announce to make).
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (tracker.Requests.Count(r => r.Contains("event=started")) < torrents.Count && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(torrents.Count, tracker.Requests.Count(r => r.Contains("event=started")));
            // ...and each client has its answer: a client announces `stopped` only where its `started` was answered
            // (the tracker records a request before it answers; a stop in between owed no `stopped`, a flake under load).
            foreach (var h in handles)
                while (!(await h.GetTrackersAsync()).All(t => t.Status == "ok") && DateTime.UtcNow < deadline) await Task.Delay(50);
            foreach (var h in handles) Assert.All(await h.GetTrackersAsync(), t => Assert.Equal("ok", t.Status));

            var clock = Stopwatch.StartNew();
            await engine.StopAsync();
            clock.Stop();
            output.WriteLine($"3 torrents, tracker never answers 'stopped': StopAsync took {clock.ElapsedMilliseconds} ms");

            Assert.True(clock.Elapsed < TorrentEngine.StopBound, $"StopAsync took {clock.Elapsed.TotalSeconds:F2} s");
            // The stopped announces went out (the tracker records a request once it has read it).
            deadline = DateTime.UtcNow.AddSeconds(3);
            while (!tracker.Requests.Any(r => r.Contains("event=stopped")) && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Contains(tracker.Requests, r => r.Contains("event=stopped"));
            foreach (var t in torrents)
            {
                Assert.Empty(TorrentEngineTests.OpenFilesUnder(t.SeedDirectory));
                // The files can be renamed and deleted at once.
                var file = Path.Combine(t.SeedDirectory, t.Metainfo.Name, "a.bin");
                File.Move(file, file + ".moved");
                File.Delete(file + ".moved");
            }
        }
        finally
        {
            foreach (var t in torrents) t.Dispose();
        }
    }

    [Fact]
    public async Task A_torrent_stopped_on_its_own_is_bounded_too()
    {
        await using var tracker = HangingTracker();
        using var data = GeneratedTorrent.Create("hang", [("a.bin", 50_000)], 32 * 1024, trackers: [tracker.Url("/announce")]);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "s"));
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await handle.WaitForStateAsync(ApiState.Seeding);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!tracker.Requests.Any(r => r.Contains("event=started")) && DateTime.UtcNow < deadline) await Task.Delay(50);

        var clock = Stopwatch.StartNew();
        await handle.StopAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"stop took {clock.Elapsed.TotalSeconds:F2} s");
        Assert.Empty(TorrentEngineTests.OpenFilesUnder(data.SeedDirectory));
    }

    [Fact]
    public async Task GetTrackersAsync_reports_each_tracker_with_its_last_announce()
    {
        await using var good = new TinyHttpServer(_ => (200, new BDictionaryBuilder().Add("interval", 1800)
            .Add("peers", new ReadOnlyMemory<byte>([127, 0, 0, 1, 0x1A, 0xE1])).ToArray()));
        await using var bad = new TinyHttpServer(_ => (200, new BDictionaryBuilder().Add("failure reason", "not here").ToArray()));
        using var data = GeneratedTorrent.Create("trackers", [("a.bin", 50_000)], 32 * 1024,
            trackers: [good.Url("/announce"), bad.Url("/announce"), "udp://127.0.0.1:1/announce"]);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "s"));
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory, new TorrentOptions { StartPaused = true });
        await handle.WaitForStateAsync(ApiState.Paused);
        var idle = await handle.GetTrackersAsync();
        Assert.Equal(3, idle.Count);
        Assert.All(idle, t => Assert.Equal("idle", t.Status));
        Assert.Equal([0, 1, 2], idle.Select(t => t.Tier));

        await handle.ResumeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        IReadOnlyList<TrackerSnapshot> trackers;
        while (true)
        {
            trackers = await handle.GetTrackersAsync();
            var okay = trackers.Single(t => t.Url == good.Url("/announce"));
            if (okay.Status == "ok" || DateTime.UtcNow > deadline) break;
            await Task.Delay(50);
        }
        var ok = trackers.Single(t => t.Url == good.Url("/announce"));
        Assert.Equal("ok", ok.Status);
        Assert.Equal(1, ok.Peers);
        Assert.NotNull(ok.LastAnnounce);
        Assert.Null(ok.Error);
        Assert.NotEqual("ok", trackers.Single(t => t.Url == bad.Url("/announce")).Status);
        Assert.Equal(0, trackers.Single(t => t.Url.StartsWith("udp:", StringComparison.Ordinal)).Peers);
    }

    [Fact]
    public async Task An_engine_attached_to_an_existing_system_leaves_it_running_when_stopped()
    {
        using var data = GeneratedTorrent.Create("attached", [("a.bin", 50_000)], 32 * 1024);
        using var system = ActorSystem.Create("host-system");
        var engine = TorrentEngine.Attach(system, ApiTestEngines.Options(Path.Combine(_state, "s")));
        var second = TorrentEngine.Attach(system, ApiTestEngines.Options(Path.Combine(_state, "t")));
        Assert.NotEqual(engine.ListenEndPoint, second.ListenEndPoint);
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await handle.WaitForStateAsync(ApiState.Seeding);
        await engine.StopAsync();
        await second.StopAsync();
        Assert.False(system.WhenTerminated.IsCompleted);
        Assert.Same(system, engine.System);
        Assert.Empty(TorrentEngineTests.OpenFilesUnder(data.SeedDirectory));
        await system.Terminate();
    }
}
