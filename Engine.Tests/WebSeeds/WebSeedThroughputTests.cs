using System.Diagnostics;
using System.Net;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.WebSeeds;

/// <summary>
/// The figure for web seeds: one torrent downloaded on loopback from a web seed alone (<see cref="RangeHttpServer"/>),
/// then from a libtorrent seeder alone, each into a fresh engine. Both must complete byte-exact; the web seed must
/// not be far behind (runs of 1 MiB on 4 connections; requests of a block each would be several times slower).
/// </summary>
[Trait("Category", "Interop")]
public sealed class WebSeedThroughputTests(ITestOutputHelper output) : IDisposable
{
    private static readonly long Bytes = long.TryParse(Environment.GetEnvironmentVariable("WEBSEED_BENCH_BYTES"), out var b) ? b : 48L << 20;
    private readonly TempDir _dir = new("webseed-rate");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_web_seed_on_loopback_downloads_at_least_a_third_as_fast_as_a_libtorrent_seeder()
    {
        var www = _dir.Sub("www");
        await using var server = new RangeHttpServer(www);
        var file = Path.Combine(www, "big.bin");
        TestData.WriteFile(file, Bytes, 3);
        var torrent = TorrentFactory.Create(file, ["http://127.0.0.1:9/announce"], 256 * 1024, Path.Combine(_dir.FullPath, "big.torrent"), [server.Url("/")]);

        var web = await TimeAsync("web seed", null);
        server.Intercept = (_, _) => new RangeHttpServer.Reply(404, new Dictionary<string, string>(), []); // the peer alone now
        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, www, new LibtorrentOptions { NoTracker = true });
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(60));
        var peer = await TimeAsync("libtorrent", new IPEndPoint(IPAddress.Loopback, seeder.Port));

        output.WriteLine($"{Bytes >> 20} MiB on loopback: web seed {Rate(web)}, libtorrent seeder {Rate(peer)}");
        Assert.True(web < peer * 3, $"the web seed took {web.TotalSeconds:F2} s, libtorrent {peer.TotalSeconds:F2} s");

        async Task<TimeSpan> TimeAsync(string name, IPEndPoint? seed)
        {
            await using var engine = await TestEngine.StartAsync(name: "rate-" + name.Replace(' ', '-'));
            var down = _dir.Sub("down-" + name.Replace(' ', '-'));
            var clock = Stopwatch.StartNew();
            var t = await engine.AddAsync(torrent.TorrentPath, down);
            if (seed is not null) TestEngine.Connect(t, seed);
            await TestEngine.WaitCompleteAsync(t, TimeSpan.FromSeconds(120));
            var took = clock.Elapsed;
            Assert.Null(DirectoryComparer.CompareFiles(file, Path.Combine(down, "big.bin")));
            return took;
        }
    }

    private static string Rate(TimeSpan took) => $"{Bytes / took.TotalSeconds / (1 << 20):F0} MiB/s ({took.TotalSeconds:F2} s)";
}
