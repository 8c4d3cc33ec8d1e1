using Engine.Events;
using Engine.Tests.Scenarios.Kit;
using Xunit.Abstractions;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Scenarios;

/// <summary>Swarm stories told with the scenario kit (docs/testing.md). Each runs real sockets and disks in one process.</summary>
public sealed class SwarmScenarios(ITestOutputHelper output) : Scenario(output)
{
    [Fact]
    public async Task A_leecher_finishes_from_two_seeders_that_both_contribute()
    {
        // Two seeders, each limited to 768 KiB/s, and a 3 MiB torrent: neither can do it alone in a hurry.
        var movie = Content("movie", 3 * 1024 * 1024);
        var alice = StartEngine("alice", o => o with { UploadLimit = 768 * 1024 });
        var bob = StartEngine("bob", o => o with { UploadLimit = 768 * 1024 });
        var carol = StartEngine("carol");
        var fromAlice = await SeedAsync(alice, movie);
        var fromBob = await SeedAsync(bob, movie);

        var (download, events) = await LeechAsync(carol, movie);
        download.AddPeers([alice.ListenEndPoint!, bob.ListenEndPoint!]);

        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(2, events.OfType<PeerConnected>().Select(p => p.EndPoint).Distinct().Count());
        Assert.Equal(movie.Metainfo.PieceCount, events.OfType<PieceVerified>().Count);
        movie.AssertSameData(download.SaveDirectory);
        // A seeder's upload counter follows its connections' once-a-second statistics; let them catch up with
        // the three mebibytes carol received (bounded), then see who sent what.
        var a = await fromAlice.GetStatusAsync();
        var b = await fromBob.GetStatusAsync();
        for (var settle = DateTime.UtcNow + TimeSpan.FromSeconds(10);
             a.Uploaded + b.Uploaded < movie.Metainfo.TotalLength && DateTime.UtcNow < settle;)
        {
            await Task.Delay(200);
            a = await fromAlice.GetStatusAsync();
            b = await fromBob.GetStatusAsync();
        }
        Output.WriteLine($"alice uploaded {a.Uploaded}, bob {b.Uploaded}");
        Assert.True(a.Uploaded > movie.Metainfo.TotalLength / 5, $"alice sent only {a.Uploaded} bytes");
        Assert.True(b.Uploaded > movie.Metainfo.TotalLength / 5, $"bob sent only {b.Uploaded} bytes");
    }

    [Fact]
    public async Task Three_instant_seeds_send_fewer_than_half_again_as_many_blocks_as_the_torrent_has()
    {
        // Issue 20: requests, cancels and blocks received twice (the scripted seeds answer every request at once, so
        // each request is a block sent; anything above the torrent's block count arrived twice). Measured 2026-12-05:
        // 10-22 % twice, nearly all from the endgame of a torrent smaller than three pipelines (the picker's part);
        // issue 20's target is 1 %. This bound catches the pipeline requesting whole torrents from every peer.
        var film = Content("film", 8 * 1024 * 1024, pieceLength: 256 * 1024);
        var seeds = new[] { ScriptedSeed(film, SeedBehaviour.Honest), ScriptedSeed(film, SeedBehaviour.Honest), ScriptedSeed(film, SeedBehaviour.Honest) };
        var me = StartEngine("me");
        var (download, events) = await LeechAsync(me, film);
        download.AddPeers([.. seeds.Select(s => s.EndPoint)]);
        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(60));
        film.AssertSameData(download.SaveDirectory);
        var blocks = (int)(film.Metainfo.TotalLength / (16 * 1024));
        var served = seeds.Sum(s => s.BlocksServed);
        var cancels = seeds.Sum(s => s.CancelsReceived);
        Output.WriteLine($"{blocks} blocks; requests (= blocks sent) {served} ({string.Join(" + ", seeds.Select(s => s.BlocksServed))}), " +
            $"received twice {served - blocks} ({100.0 * (served - blocks) / blocks:F1} %), cancels {cancels}");
        Assert.InRange(served, blocks, blocks + blocks / 2);
    }

    [Fact]
    public async Task A_peer_sending_bad_data_is_banned_while_the_download_completes_from_an_honest_one()
    {
        var album = Content("album", 1024 * 1024);
        var honest = StartEngine("honest", o => o with { UploadLimit = 512 * 1024 });
        await SeedAsync(honest, album);
        var liar = ScriptedSeed(album, SeedBehaviour.CorruptData);
        var me = StartEngine("me");

        var (download, events) = await LeechAsync(me, album);
        download.AddPeers([liar.EndPoint, honest.ListenEndPoint!]);

        var banned = await events.WaitForAsync<PeerDropped>(d => d.EndPoint.Equals(liar.EndPoint), TimeSpan.FromSeconds(30));
        Assert.StartsWith("banned:", banned.Reason);
        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
        album.AssertSameData(download.SaveDirectory);
        var status = await download.GetStatusAsync();
        Assert.True(status.HashFailures >= 1, "no piece failed its hash check");
        Assert.True(liar.BlocksServed > 0);
        // The liar is never welcome again.
        download.AddPeers([liar.EndPoint]);
        await Task.Delay(1500);
        Assert.Single(events.OfType<PeerConnected>(), c => c.EndPoint.Equals(liar.EndPoint));
    }

    [Fact]
    public async Task A_download_paused_half_way_keeps_its_pieces_and_finishes_after_resuming()
    {
        var show = Content("show", 2 * 1024 * 1024);
        var seeder = StartEngine("seeder", o => o with { UploadLimit = 1024 * 1024 });
        await SeedAsync(seeder, show);
        var me = StartEngine("me");
        var (download, events) = await LeechAsync(me, show);
        download.AddPeers([seeder.ListenEndPoint!]);

        // Pause once a third of the pieces are in.
        var third = show.Metainfo.PieceCount / 3;
        await events.WaitForAsync<PieceVerified>(_ => events.OfType<PieceVerified>().Count >= third);
        await download.PauseAsync();
        await events.WaitForAsync<StateChanged>(s => s.State == ApiState.Paused);
        await events.WaitForAsync<PeerDropped>(d => d.Reason == "torrent paused");
        await Task.Delay(500); // blocks already on their way to the disk still land
        var paused = await download.GetStatusAsync();
        await Task.Delay(1000);
        var stillPaused = await download.GetStatusAsync();
        Assert.Equal(paused.VerifiedPieces, stillPaused.VerifiedPieces);
        Assert.Equal(0, stillPaused.Peers);
        Assert.InRange(stillPaused.Progress, 0.3, 0.99);

        download.AddPeers([seeder.ListenEndPoint!]);
        await download.ResumeAsync();
        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
        show.AssertSameData(download.SaveDirectory);
        // Pieces verified before the pause were not fetched again.
        Assert.Equal(show.Metainfo.PieceCount, events.OfType<PieceVerified>().Select(p => p.Piece).Distinct().Count());
        Assert.Equal(show.Metainfo.PieceCount, events.OfType<PieceVerified>().Count);
    }
}
