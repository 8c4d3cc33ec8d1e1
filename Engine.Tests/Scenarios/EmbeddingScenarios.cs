using Engine.Api;
using Engine.Events;
using Engine.Tests.Scenarios.Kit;
using Xunit.Abstractions;

namespace Engine.Tests.Scenarios;

/// <summary>What an embedding app sees (issue 18): its torrents back after a restart, Progress events, who opened a connection.</summary>
public sealed class EmbeddingScenarios(ITestOutputHelper output) : Scenario(output)
{
    [Fact]
    public async Task An_engine_with_a_session_gets_its_torrents_back_after_a_restart_paused_stopped_and_limited_as_they_were()
    {
        var album = Content("album", 300_000, seed: 11);
        var films = Content("films", 200_000, seed: 12);
        var notes = Content("notes", 100_000, seed: 13);
        var state = Path.Combine(Path.GetTempPath(), "engine-session-" + Guid.NewGuid().ToString("N"));
        try
        {
            TorrentEngineOptions WithSession(TorrentEngineOptions o) => o with { StateDirectory = state, Session = true };
            var first = StartEngine("first", WithSession);
            var a = await SeedAsync(first, album);
            var f = await SeedAsync(first, films, new TorrentOptions { UploadLimit = 64 * 1024 });
            await f.PauseAsync();
            var n = await SeedAsync(first, notes);
            await n.StopAsync();
            var transient = Content("transient", 50_000, seed: 14);
            await SeedAsync(first, transient, new TorrentOptions { Remember = false });
            a.SetLimits(null, 1_000_000);
            await first.StopAsync();

            var second = StartEngine("second", WithSession);
            Assert.Empty(second.SessionProblems);
            Assert.Equal(["album", "films", "notes"], second.Torrents.Select(t => t.Name));
            var album2 = second.Torrents[0];
            Assert.Equal((null, 1_000_000L), (album2.Options.UploadLimit, album2.Options.DownloadLimit));
            Assert.Equal(album.SeedDirectory, album2.SaveDirectory);
            var seeding = await WaitForStateAsync(album2, TorrentState.Seeding);
            Assert.Equal(StartupSource.ResumeRecord, seeding.Startup!.Source); // its resume record spared the hash check
            Assert.Equal(64 * 1024, second.Torrents[1].Options.UploadLimit);
            await WaitForStateAsync(second.Torrents[1], TorrentState.Paused);
            await WaitForStateAsync(second.Torrents[2], TorrentState.Paused); // stopped: back paused

            await second.Torrents[1].RemoveAsync(deleteData: false);
            await second.StopAsync();
            var third = StartEngine("third", WithSession);
            Assert.Equal(["album", "notes"], third.Torrents.Select(t => t.Name));
            WriteLine($"session restored: {string.Join(", ", third.Torrents.Select(t => t.Name))}");
        }
        finally
        {
            try { Directory.Delete(state, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_download_reports_its_progress_as_events_ending_at_one_and_says_who_opened_each_connection()
    {
        var album = Content("album", 1_000_000, pieceLength: 32 * 1024, seed: 21);
        var seeder = StartEngine("seeder");
        var seeded = await SeedAsync(seeder, album);
        var seederEvents = EventsOf(seeded);
        var me = StartEngine("me");
        var (download, events) = await LeechAsync(me, album);
        download.AddPeers([seeder.ListenEndPoint!]);
        await events.WaitForAsync<Completed>();

        var progress = events.OfType<Progress>().ToList();
        Assert.NotEmpty(progress);
        Assert.Equal(progress.Select(p => p.Fraction).Order(), progress.Select(p => p.Fraction));
        var last = progress[^1];
        Assert.Equal((1.0, album.Metainfo.TotalLength, album.Metainfo.PieceCount), (last.Fraction, last.VerifiedBytes, last.VerifiedPieces));
        Assert.True(progress.Count < events.OfType<PieceVerified>().Count(), "Progress is throttled, not one per piece");

        var dialled = await events.WaitForAsync<PeerConnected>(p => p.EndPoint.Equals(seeder.ListenEndPoint));
        Assert.Equal(PeerDirection.Outgoing, dialled.Direction);
        var incoming = await seederEvents.WaitForAsync<PeerConnected>(_ => true);
        Assert.Equal(PeerDirection.Incoming, incoming.Direction);
    }

    [Fact]
    public async Task A_hybrid_added_by_its_btmh_magnet_comes_back_once_after_each_restart()
    {
        var state = Path.Combine(Path.GetTempPath(), "engine-session-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(state, "seed", "hybrid");
        Directory.CreateDirectory(data);
        File.WriteAllBytes(Path.Combine(data, "a.bin"), [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7))]);
        File.WriteAllBytes(Path.Combine(data, "b.bin"), [.. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 13))]);
        var bytes = Engine.Metainfo.TorrentCreator.Create(data, new Engine.Metainfo.TorrentCreationOptions { Hybrid = true, PieceLength = 32 * 1024 });
        var meta = Engine.Core.Metainfo.TorrentMetainfo.Parse(bytes);
        try
        {
            var seeder = StartEngine("hybrid-seeder");
            await WaitForStateAsync(await seeder.AddAsync(bytes, Path.Combine(state, "seed")), TorrentState.Seeding);
            TorrentEngineOptions WithSession(TorrentEngineOptions o) => o with { StateDirectory = Path.Combine(state, "me"), Session = true };
            var first = StartEngine("first", WithSession);
            var magnet = $"magnet:?xt=urn:btmh:1220{Convert.ToHexStringLower(meta.InfoHashV2.Span)}&x.pe=127.0.0.1:{seeder.ListenEndPoint!.Port}";
            var handle = await first.AddAsync(magnet, Path.Combine(state, "down"));
            await WaitForStateAsync(handle, TorrentState.Seeding);
            await first.StopAsync();

            for (var restart = 0; restart < 2; restart++)
            {
                var again = StartEngine("again-" + restart, WithSession);
                Assert.Empty(again.SessionProblems);
                var restored = Assert.Single(again.Torrents);
                Assert.Equal(meta.InfoHash, restored.InfoHash);                 // known by its v1 hash from now on
                await WaitForStateAsync(restored, TorrentState.Seeding);
                await again.StopAsync();
            }
        }
        finally
        {
            try { Directory.Delete(state, recursive: true); } catch (IOException) { }
        }
    }
}
