using System.Diagnostics;
using Engine.Api;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Tests.Scenarios.Kit;
using Engine.Tests.Support;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Api;

/// <summary>Handle methods in detail: peer snapshots, failure, per-torrent limits, a partial piece map.</summary>
public sealed class TorrentHandleTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-api-handle-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    private static byte[] ContentBytes(GeneratedTorrent data)
    {
        var bytes = new byte[data.Metainfo.TotalLength];
        foreach (var f in data.Metainfo.Files) File.ReadAllBytes(Path.Combine(data.SeedDirectory, f.Path)).CopyTo(bytes, f.Offset);
        return bytes;
    }

    [Fact]
    public async Task GetPeersAsync_shows_the_client_and_the_choke_and_interest_flags_both_ways()
    {
        using var data = GeneratedTorrent.Create("peers", [("a.bin", 100_000)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "s"));
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await handle.WaitForStateAsync(ApiState.Seeding);
        var (remote, _) = await ScriptedLeecher.ConnectAsync(engine.ListenEndPoint!, handle.InfoHash);
        await using var _r = remote;
        await remote.SendAsync(HaveNone.Instance);
        await remote.BecomeUnchokedAsync();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        PeerSnapshot? peer = null;
        while (DateTime.UtcNow < deadline)
        {
            peer = (await handle.GetPeersAsync()).SingleOrDefault();
            if (peer is { PeerInterested: true, AmChoking: false }) break;
            await Task.Delay(50);
        }
        Assert.NotNull(peer);
        Assert.Equal("scripted test peer 0.0.0.1", peer.Client);
        Assert.StartsWith("-TS0001-", peer.PeerId);
        Assert.True(peer.PeerInterested);
        Assert.False(peer.AmChoking);
        Assert.False(peer.AmInterested); // we are a seed
        Assert.True(peer.PeerChoking);   // it never unchoked us
        Assert.Equal(0, peer.Progress);
        await handle.WaitForAsync(s => s.Peers == 1, TimeSpan.FromSeconds(5), "the peer in the status");
    }

    [Fact]
    public async Task A_peer_counts_in_the_status_as_soon_as_it_connects_not_at_the_next_once_a_second_poll()
    {
        using var data = GeneratedTorrent.Create("counted", [("a.bin", 100_000)], 32 * 1024);
        await using var seed = new ScriptedSeed(data.Metainfo, ContentBytes(data), SeedBehaviour.ChokesForever);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "s"));
        var handle = await engine.AddAsync(data.Bytes, Path.Combine(_state, "down"));
        await using var events = handle.Events().GetAsyncEnumerator();
        handle.AddPeers([seed.EndPoint]);

        await events.NextAsync<PeerConnected>(TimeSpan.FromSeconds(10));
        // The swarm's figures are polled once a second from the start; a connection made since asks for them at once,
        // so a status line does not say "peers 0" for up to a second while the peer is there.
        await handle.WaitForAsync(s => s.Peers == 1, TimeSpan.FromMilliseconds(400), "the new peer in the status");
    }

    [Fact]
    public async Task A_disk_that_cannot_be_written_fails_the_torrent_with_a_Failed_event()
    {
        using var data = GeneratedTorrent.Create("broken", [("a.bin", 100_000)], 32 * 1024);
        await using var seed = new ScriptedSeed(data.Metainfo, ContentBytes(data), SeedBehaviour.Honest);
        var notADirectory = Path.Combine(data.Root, "plain-file");
        File.WriteAllText(notADirectory, "a file where the save directory should be");
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "s"));
        var handle = await engine.AddAsync(data.Bytes, notADirectory);
        await using var events = handle.Events().GetAsyncEnumerator();
        handle.AddPeers([seed.EndPoint]);

        var (failed, _) = await events.NextAsync<Failed>(TimeSpan.FromSeconds(15));
        Assert.StartsWith("storage:", failed.Reason);
        var s = await handle.GetStatusAsync();
        Assert.Equal(ApiState.Error, s.State);
        Assert.Equal(failed.Reason, s.Error);
        // A late subscriber learns of the failure too.
        await using var late = handle.Events().GetAsyncEnumerator();
        await late.NextAsync<Failed>(TimeSpan.FromSeconds(2));
        await handle.RemoveAsync(deleteData: false);
    }

    [Fact]
    public async Task A_per_torrent_download_limit_slows_that_torrent_and_the_piece_map_fills_in_as_it_goes()
    {
        using var data = GeneratedTorrent.Create("slow", [("a.bin", 768 * 1024)], 32 * 1024);
        await using var seeder = ApiTestEngines.Create(Path.Combine(_state, "seeder"));
        await (await seeder.AddAsync(data.Bytes, data.SeedDirectory)).WaitForStateAsync(ApiState.Seeding);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "leecher"));
        var handle = await engine.AddAsync(data.Bytes, data.NewDirectory("leech"), new TorrentOptions { DownloadLimit = 256 * 1024 });
        var clock = Stopwatch.StartNew();
        handle.AddPeers([seeder.ListenEndPoint!]);

        var partial = await handle.WaitForAsync(s => s.VerifiedPieces >= 4 && !s.IsComplete, TimeSpan.FromSeconds(10), "some pieces");
        var map = await handle.GetPieceMapAsync();
        Assert.InRange(map.VerifiedCount, partial.VerifiedPieces, map.PieceCount - 1);
        Assert.Equal(map.VerifiedCount, Enumerable.Range(0, map.PieceCount).Count(map.IsVerified));
        Assert.True(partial.Files[0].Progress is > 0 and < 1);

        await handle.WaitForStateAsync(ApiState.Seeding, TimeSpan.FromSeconds(20));
        clock.Stop();
        // 768 KiB at 256 KiB/s: about three seconds (the bucket lends up to one second ahead).
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1.8), $"finished in {clock.Elapsed.TotalSeconds:F1} s despite the limit");
        data.AssertSameData(handle.SaveDirectory);
    }

    [Fact]
    public async Task Lifting_a_torrents_limit_while_it_runs_lets_it_finish_at_once()
    {
        using var data = GeneratedTorrent.Create("lift", [("a.bin", 1024 * 1024)], 32 * 1024);
        await using var seeder = ApiTestEngines.Create(Path.Combine(_state, "seeder"));
        await (await seeder.AddAsync(data.Bytes, data.SeedDirectory)).WaitForStateAsync(ApiState.Seeding);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "leecher"));
        var handle = await engine.AddAsync(data.Bytes, data.NewDirectory("leech"), new TorrentOptions { DownloadLimit = 64 * 1024 });
        handle.AddPeers([seeder.ListenEndPoint!]);
        await handle.WaitForAsync(s => s.VerifiedPieces >= 1, TimeSpan.FromSeconds(10), "a first piece");
        var early = await handle.GetStatusAsync();
        Assert.True(early.Progress < 0.5, $"at 64 KiB/s the download should not be half done yet ({early.Progress:P0})");

        handle.SetLimits(null, null);
        Assert.Null(handle.Options.DownloadLimit);
        var clock = Stopwatch.StartNew();
        await handle.WaitForStateAsync(ApiState.Seeding, TimeSpan.FromSeconds(8)); // at 64 KiB/s the rest would take ~15 s
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8));
        Assert.Throws<ArgumentException>(() => handle.SetLimits(0, null));
    }

    [Fact]
    public async Task Engine_wide_limits_can_be_read_and_changed()
    {
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(Path.Combine(_state, "s")) with { UploadLimit = 5000 });
        Assert.Equal((5000L, (long?)null), engine.Limits);
        engine.SetLimits(null, 1_000_000);
        Assert.Equal(((long?)null, 1_000_000L), engine.Limits);
        Assert.Throws<ArgumentException>(() => engine.SetLimits(-1, null));
    }

    [Fact]
    public async Task Options_out_of_range_for_a_torrent_are_refused()
    {
        using var data = GeneratedTorrent.Create("opt", [("a.bin", 1000)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "s"));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.AddAsync(data.Bytes, data.SeedDirectory, new TorrentOptions { UploadLimit = 0 }));
        Assert.Contains("UploadLimit must be positive", e.Message);
        Assert.Empty(engine.Torrents);
    }

    [Fact]
    public async Task The_status_reports_what_the_start_up_check_found_and_where_it_came_from()
    {
        using var data = GeneratedTorrent.Create("startup", [("a.bin", 200_000), ("b.bin", 50_000)], 32 * 1024);
        var pieces = data.Metainfo.PieceCount;
        var state = Path.Combine(_state, "s");
        await using (var engine = ApiTestEngines.Create(state))
        {
            var empty = await engine.AddAsync(data.Metainfo, data.NewDirectory("empty"));
            var nothing = await empty.WaitForAsync(s => s.Startup is not null, TimeSpan.FromSeconds(10), "the empty torrent's check");
            Assert.Equal(new StartupReport(0, StartupSource.NoData), nothing.Startup);

            await empty.RemoveAsync(deleteData: true);

            // Complete data without a resume record is hash-checked; stopping the engine writes the record.
            var seed = await engine.AddAsync(data.Bytes, data.SeedDirectory);
            var checkedOnce = await seed.WaitForAsync(s => s.Startup is not null, TimeSpan.FromSeconds(10), "the hash check");
            Assert.Equal(new StartupReport(pieces, StartupSource.HashCheck), checkedOnce.Startup);
        }
        await using (var again = ApiTestEngines.Create(state))
        {
            var seed = await again.AddAsync(data.Metainfo, data.SeedDirectory);
            var resumed = await seed.WaitForAsync(s => s.Startup is not null, TimeSpan.FromSeconds(10), "the resume");
            Assert.Equal(new StartupReport(pieces, StartupSource.ResumeRecord), resumed.Startup);
            Assert.Equal(ApiState.Seeding, (await seed.WaitForStateAsync(ApiState.Seeding)).State);
        }
    }
}
