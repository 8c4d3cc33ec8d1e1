using System.Net;
using Engine.Core.Primitives;
using Engine.Tests.Interop;
using Engine.Tests.Support;

namespace Engine.Tests.WebSeeds;

/// <summary>A web seed beside a libtorrent seeder: both feed one download, and a web seed that sends wrong data is banned.</summary>
[Trait("Category", "Interop")]
public sealed class WebSeedInteropTests : IDisposable
{
    private const int PieceLength = 64 * 1024;
    private readonly TempDir _dir = new("webseed-interop");

    public void Dispose() => _dir.Dispose();

    private (string File, TestTorrent Torrent) SingleFile(string www, string webSeed, long bytes)
    {
        var file = Path.Combine(www, "movie.bin");
        TestData.WriteFile(file, bytes, 9);
        return (file, TorrentFactory.Create(file, ["http://127.0.0.1:9/announce"], PieceLength, Path.Combine(_dir.FullPath, "movie.torrent"), [webSeed]));
    }

    [Fact]
    public async Task A_web_seed_and_a_libtorrent_seeder_together_complete_a_download_byte_exact()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (file, torrent) = SingleFile(www, server.Url("/"), 12_000_000);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, www, new LibtorrentOptions { NoTracker = true });
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = await TestEngine.StartAsync();
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        TestEngine.Connect(t, new IPEndPoint(IPAddress.Loopback, seeder.Port));

        await TestEngine.WaitCompleteAsync(t, TimeSpan.FromSeconds(90));

        Assert.Null(DirectoryComparer.CompareFiles(file, Path.Combine(_dir.FullPath, "down", "movie.bin")));
        Assert.True(server.BytesServed > 0, "the web seed served nothing");
        // A seeding torrent needs no web seed: it is let go.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while ((await TestEngine.PeersAsync(t)).Any(p => p.Source == PeerSource.WebSeed))
        {
            Assert.True(DateTime.UtcNow < deadline, "the web seed stayed after the download completed");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_web_seed_that_serves_a_corrupt_piece_is_banned_and_the_piece_comes_from_a_peer()
    {
        const int bad = 5;
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (file, torrent) = SingleFile(www, server.Url("/"), 3_000_000);
        server.Intercept = (request, reply) =>
        {
            if (reply.Status != 206 || request.From is not { } from) return reply;
            // Flip every byte of piece 5 that the reply carries (single file: file offsets are torrent offsets).
            var body = (byte[])reply.Body.Clone();
            for (long at = Math.Max(from, bad * PieceLength); at < Math.Min(from + body.Length, (bad + 1) * PieceLength); at++)
                body[at - from] ^= 0xFF;
            return reply with { Body = body };
        };
        await using var engine = await TestEngine.StartAsync();
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        // Alone, the web seed brings pieces until the bad one has failed twice from it (smart ban's sole-source rule).
        // How many good pieces come first depends on when the picker retries the bad one, so that is not asserted.
        var failed = await TestEngine.WaitAsync(t, s => s.HashFailures >= 2, TimeSpan.FromSeconds(60), "the bad piece failing twice");
        Assert.True(failed.VerifiedPieces > 0, "the web seed brought no good piece");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await TestEngine.PeersAsync(t)).Any(p => p.Source == PeerSource.WebSeed))
        {
            Assert.True(DateTime.UtcNow < deadline, "the web seed was not banned");
            await Task.Delay(100);
        }
        var asked = server.RequestCount;

        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, www, new LibtorrentOptions { NoTracker = true });
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        TestEngine.Connect(t, new IPEndPoint(IPAddress.Loopback, seeder.Port));
        var done = await TestEngine.WaitCompleteAsync(t, TimeSpan.FromSeconds(60));

        Assert.Null(DirectoryComparer.CompareFiles(file, Path.Combine(_dir.FullPath, "down", "movie.bin")));
        Assert.Equal(failed.HashFailures, done.HashFailures); // the peer's copy passed at once
        Assert.Equal(asked, server.RequestCount);             // the banned web seed was not asked again
    }
}
