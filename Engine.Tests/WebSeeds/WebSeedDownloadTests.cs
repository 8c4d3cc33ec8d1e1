using Engine.Core.Primitives;
using Engine.Peers;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Engine.WebSeeds;

namespace Engine.Tests.WebSeeds;

/// <summary>Torrents whose only source is a web seed on loopback (<see cref="RangeHttpServer"/>), and web seeds that misbehave.</summary>
public sealed class WebSeedDownloadTests : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("webseed");

    public void Dispose() => _dir.Dispose();

    /// <summary>www/movie.bin and its torrent naming <paramref name="webSeed"/>(server) as its web seed.</summary>
    private (string File, TestTorrent Torrent) SingleFile(RangeHttpServer server, string www, Func<RangeHttpServer, string> webSeed, long bytes = 3_000_000)
    {
        var file = Path.Combine(www, "movie.bin");
        TestData.WriteFile(file, bytes, 7);
        var torrent = TorrentFactory.Create(file, ["http://127.0.0.1:9/announce"], 64 * 1024, Path.Combine(_dir.FullPath, "movie.torrent"), [webSeed(server)]);
        return (file, torrent);
    }

    [Fact]
    public async Task A_single_file_torrent_whose_only_source_is_a_web_seed_naming_the_file_completes_byte_exact()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (file, torrent) = SingleFile(server, www, s => s.Url("/movie.bin"));
        await using var engine = await TestEngine.StartAsync();
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        await TestEngine.WaitCompleteAsync(t, Budget);

        Assert.Null(DirectoryComparer.CompareFiles(file, Path.Combine(_dir.FullPath, "down", "movie.bin")));
        Assert.True(server.RequestCount < 20, $"{server.RequestCount} requests for 3 MB: runs of contiguous blocks should be about 1 MiB each");
    }

    [Fact]
    public async Task A_multi_file_torrent_is_fetched_from_the_directory_url_by_name_and_path_byte_exact()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var data = TestData.CreateTree(www, "album", 2_500_000, seed: 5, fileCount: 6); // a 1-byte file among them: pieces span files
        var torrent = TorrentFactory.Create(data.Root, ["http://127.0.0.1:9/announce"], 32 * 1024, Path.Combine(_dir.FullPath, "album.torrent"),
            [server.Url("")]); // no '/' at the end: one is added for a multi-file torrent
        await using var engine = await TestEngine.StartAsync();
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        await TestEngine.WaitCompleteAsync(t, Budget);

        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(_dir.FullPath, "down", "album"));
    }

    [Fact]
    public async Task A_web_seed_is_listed_among_the_peers_with_its_url_while_it_serves()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (_, torrent) = SingleFile(server, www, s => s.Url("/"));
        var gate = new ManualResetEventSlim();
        server.Intercept = (_, reply) =>
        {
            gate.Wait(TimeSpan.FromSeconds(20)); // hold the replies until the peers' list was read
            return reply;
        };
        await using var engine = await TestEngine.StartAsync();
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        var peers = await TestEngine.WaitPeersAsync(t, 1, TimeSpan.FromSeconds(10));
        gate.Set();

        var seed = Assert.Single(peers);
        Assert.Equal(PeerSource.WebSeed, seed.Source);
        Assert.Equal(server.Url("/"), seed.Url);
        Assert.Equal(WebSeedActor.KeyFor(server.Url("/")), seed.Remote);
        await TestEngine.WaitCompleteAsync(t, Budget);
    }

    [Fact]
    public async Task A_server_that_answers_503_with_retry_after_is_asked_again_and_the_download_completes()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (file, torrent) = SingleFile(server, www, s => s.Url("/"), bytes: 1_000_000);
        var busy = 0;
        server.Intercept = (request, reply) =>
        {
            if (request.Number > 2) return reply;
            Interlocked.Increment(ref busy);
            return new RangeHttpServer.Reply(503, new Dictionary<string, string> { ["Retry-After"] = "1" }, "busy"u8.ToArray());
        };
        await using var engine = await TestEngine.StartAsync(o => o with { WebSeeds = new WebSeedSettings { FirstRetry = TimeSpan.FromMilliseconds(200) } });
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        await TestEngine.WaitCompleteAsync(t, Budget);

        Assert.Equal(2, busy);
        Assert.Null(DirectoryComparer.CompareFiles(file, Path.Combine(_dir.FullPath, "down", "movie.bin")));
    }

    [Fact]
    public async Task Redirects_are_followed_to_the_file()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (file, torrent) = SingleFile(server, www, s => s.Url("/old/place/movie.bin"), bytes: 1_000_000);
        server.Intercept = (request, reply) => request.Path.StartsWith("/old/", StringComparison.Ordinal)
            ? new RangeHttpServer.Reply(302, new Dictionary<string, string> { ["Location"] = server.Url("/movie.bin") }, [])
            : reply;
        await using var engine = await TestEngine.StartAsync();
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        await TestEngine.WaitCompleteAsync(t, Budget);

        Assert.Null(DirectoryComparer.CompareFiles(file, Path.Combine(_dir.FullPath, "down", "movie.bin")));
    }

    [Fact]
    public async Task Endless_redirects_are_a_failure_and_the_web_seed_is_given_up()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (_, torrent) = SingleFile(server, www, s => s.Url("/loop/0"), bytes: 1_000_000);
        server.Intercept = (request, _) => new RangeHttpServer.Reply(302,
            new Dictionary<string, string> { ["Location"] = server.Url($"/loop/{request.Number}") }, []);
        await using var engine = await TestEngine.StartAsync(o => o with
        {
            WebSeeds = new WebSeedSettings { FirstRetry = TimeSpan.FromMilliseconds(100), LongestRetry = TimeSpan.FromMilliseconds(100), MaxFailures = 2 },
        });
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (server.RequestCount < 12) // two fetches, each the first request and its 5 redirects
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {server.RequestCount} requests reached the server");
            await Task.Delay(100);
        }
        await Task.Delay(1500);

        Assert.InRange(server.RequestCount, 12, 4 * 6); // at most the 4 fetches in flight when it gave up, 6 requests each
        Assert.DoesNotContain(await TestEngine.PeersAsync(t), p => p.Source == PeerSource.WebSeed);
    }

    [Fact]
    public async Task The_download_limit_holds_a_web_seed_back_as_it_does_peers()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (file, torrent) = SingleFile(server, www, s => s.Url("/"), bytes: 2_000_000);
        await using var engine = await TestEngine.StartAsync(o => o with { Limits = new Engine.Limits.RateLimits(0, 1_000_000) });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        await TestEngine.WaitCompleteAsync(t, Budget);

        // 2 MB at 1 MB/s, less the bucket's first burst: well over a second (unlimited, it takes a few milliseconds).
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1.2), $"done in {clock.Elapsed.TotalSeconds:F2} s");
        Assert.Null(DirectoryComparer.CompareFiles(file, Path.Combine(_dir.FullPath, "down", "movie.bin")));
    }

    private static RangeHttpServer.Reply Silent(RangeHttpServer.Reply reply)
    {
        Thread.Sleep(1500);
        return reply;
    }

    public static TheoryData<string> Garbage => new() { "oversized", "wrong-range", "short", "whole-file-for-a-range", "silent" };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task A_server_sending_garbage_is_given_up_without_harm_to_the_torrent(string kind)
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var (_, torrent) = SingleFile(server, www, s => s.Url("/")); // 3 MB: every request is for part of the file
        server.Intercept = (request, reply) => kind switch
        {
            // A body far larger than the range, with a Content-Length to match.
            "oversized" => reply with { Body = new byte[8 << 20], Headers = reply.Headers },
            "wrong-range" => reply with { Headers = new Dictionary<string, string> { ["Content-Range"] = $"bytes {request.From + 1}-{request.To + 1}/3000000" } },
            // Content-Length promises the range, the body stops halfway and the connection closes.
            "short" => reply with { Body = reply.Body[..(reply.Body.Length / 2)], Headers = new Dictionary<string, string>(reply.Headers) { ["Content-Length"] = reply.Body.Length.ToString() }, Close = true },
            "silent" => Silent(reply), // no byte for longer than the idle timeout
            _ => new RangeHttpServer.Reply(200, new Dictionary<string, string>(), new byte[1_000_000]),
        };
        await using var engine = await TestEngine.StartAsync(o => o with
        {
            WebSeeds = new WebSeedSettings
            {
                FirstRetry = TimeSpan.FromMilliseconds(100), LongestRetry = TimeSpan.FromMilliseconds(200), MaxFailures = 3,
                IdleTimeout = TimeSpan.FromMilliseconds(500),
            },
        });
        var t = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (server.RequestCount < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {server.RequestCount} requests reached the server");
            await Task.Delay(100);
        }
        await Task.Delay(1500);
        var asked = server.RequestCount;
        await Task.Delay(1500);

        Assert.Equal(asked, server.RequestCount); // given up: asked no more
        Assert.DoesNotContain(await TestEngine.PeersAsync(t), p => p.Source == PeerSource.WebSeed);
        var status = await TestEngine.StatusAsync(t);
        Assert.Equal(Events.TorrentState.Downloading, status.State);
        Assert.False(status.IsComplete);
    }
}
