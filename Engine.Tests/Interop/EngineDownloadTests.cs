using System.Diagnostics;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// Our engine leeches a multi-file torrent (several files, sizes not multiples of the piece length,
/// 64 MiB) from real clients as the only seeders, announced through opentracker; the result must be
/// byte-identical. One test per client, and one with all three seeding at once.
/// </summary>
[Trait("Category", "Interop")]
public sealed class EngineDownloadTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Transfer = TimeSpan.FromSeconds(120);

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_a_libtorrent_seeder()
    {
        await using var swarm = await Swarm.CreateAsync(21, output);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("libtorrent seeding");
        await swarm.DownloadWithEngineAsync();
    }

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_an_aria2_seeder()
    {
        await using var swarm = await Swarm.CreateAsync(22, output);
        await using var seeder = await Aria2Peer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("aria2c seeding");
        await swarm.DownloadWithEngineAsync();
    }

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_a_transmission_seeder()
    {
        await using var swarm = await Swarm.CreateAsync(23, output);
        await using var seeder = await TransmissionPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("transmission seeding");
        await swarm.DownloadWithEngineAsync();
    }

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_libtorrent_aria2_and_transmission_at_once()
    {
        await using var swarm = await Swarm.CreateAsync(24, output);
        // Each seeder is limited to 3 MiB/s so the download lasts long enough for all three to serve it
        // (transmission unchokes only at its 10 s rechoke).
        await using var lt = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new LibtorrentOptions { UploadLimit = 3 * MiB });
        await using var aria = await Aria2Peer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new Aria2Options { ExtraArguments = ["--max-upload-limit=3M"] });
        await using var tr = await TransmissionPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new TransmissionOptions { UploadLimitKiB = 3 * 1024 });
        await Task.WhenAll(lt.WaitUntilSeedingAsync(Step), aria.WaitUntilSeedingAsync(Step), tr.WaitUntilSeedingAsync(Step));
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 3, leechers: 0, Step);
        swarm.Mark("three seeders");
        var contributions = await swarm.DownloadWithEngineAsync();
        // Every seeder delivered part of the data.
        Assert.Equal(3, contributions.Count(c => c.Value > 0));
    }

    /// <summary>Data, opentracker and a whitelisted mktorrent torrent; the engine leeches into its own folder.</summary>
    private sealed class Swarm : IAsyncDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ITestOutputHelper _output;

        private Swarm(ITestOutputHelper output, TempDir tmp) { _output = output; Tmp = tmp; }

        public TempDir Tmp { get; }
        public string SeedDir => Path.Combine(Tmp, "seed");
        public TestDataSet Data { get; private set; } = null!;
        public OpenTracker Tracker { get; private set; } = null!;
        public TestTorrent Torrent { get; private set; } = null!;

        public static async Task<Swarm> CreateAsync(int seed, ITestOutputHelper output)
        {
            var swarm = new Swarm(output, new TempDir("engine-dl"));
            try
            {
                swarm.Data = TestData.CreateTree(swarm.Tmp.Sub("seed"), "payload", 64 * MiB + 77777, seed, fileCount: 6);
                swarm.Tracker = await OpenTracker.StartAsync([]);
                swarm.Torrent = TorrentFactory.Create(swarm.Data.Root, swarm.Tracker.AnnounceUrl, 256 * 1024, Path.Combine(swarm.Tmp, "payload.torrent"));
                await swarm.Tracker.AllowAsync(swarm.Torrent.InfoHashHex);
                swarm.Mark($"data {swarm.Data.TotalBytes} B in {swarm.Data.Files.Count} files, torrent {swarm.Torrent.InfoHashHex}");
                return swarm;
            }
            catch
            {
                await swarm.DisposeAsync();
                throw;
            }
        }

        /// <summary>Downloads with a fresh engine; returns the bytes each remote client (by peer id) delivered.</summary>
        public async Task<Dictionary<string, long>> DownloadWithEngineAsync()
        {
            await using var engine = await TestEngine.StartAsync(o => Environment.GetEnvironmentVariable("ENGINE_DEBUG") is null ? o : o with { ExtraHocon = "akka.loglevel = DEBUG\nakka.stdout-loglevel = DEBUG" });
            var target = Tmp.Sub("engine");
            var torrent = await engine.AddAsync(Torrent.TorrentPath, target);
            var clock = Stopwatch.StartNew();
            var lastMark = TimeSpan.Zero;
            var contributions = new Dictionary<string, long>();
            var status = await TestEngine.WaitAsync(torrent, s =>
            {
                if (clock.Elapsed - lastMark >= TimeSpan.FromSeconds(1))
                {
                    lastMark = clock.Elapsed;
                    foreach (var p in TestEngine.PeersAsync(torrent).GetAwaiter().GetResult())
                        contributions[p.PeerId?.ToString() ?? p.Remote.ToString()] = p.Downloaded;
                    Mark($"  {s.Progress * 100:F1}% ({s.VerifiedPieces}/{s.PieceCount}) {s.DownloadRate / MiB:F1} MiB/s, received {s.Downloaded / MiB} MiB, {s.Peers} peers{(s.InEndgame ? ", endgame" : "")}");
                }
                return s.IsComplete && s.State == Engine.Torrents.TorrentState.Seeding;
            }, Transfer, "completion");
            var seconds = clock.Elapsed.TotalSeconds;
            Mark($"engine complete: {status.VerifiedBytes} B in {seconds:F2} s ({status.VerifiedBytes / seconds / MiB:F1} MiB/s), hash failures {status.HashFailures}");
            Assert.Equal(0, status.HashFailures);
            foreach (var (peer, bytes) in contributions) Mark($"  from {peer}: {bytes} B");
            await Engine.Hosting.EngineSystem.StopAsync(torrent);
            DirectoryComparer.AssertIdentical(Data.Root, Path.Combine(target, Torrent.Name));
            return contributions;
        }

        public void Mark(string what) => _output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.00} s  {what}");

        public async ValueTask DisposeAsync()
        {
            if (Tracker is not null) await Tracker.DisposeAsync();
            Tmp.Dispose();
        }
    }
}
