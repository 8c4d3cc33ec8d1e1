using System.Net;
using System.Diagnostics;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// Our engine leeches a multi-file torrent (several files, sizes not multiples of the piece length,
/// 64 MiB) from real clients as the only seeders, announced through opentracker; the result must be
/// byte-identical. One test per client (libtorrent, aria2, transmission, rtorrent), one with the first three seeding at
/// once, and one with libtorrent, rtorrent and ctorrent.
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
        await using var swarm = await SwarmAsync(21);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("libtorrent seeding");
        await DownloadWithEngineAsync(swarm);
    }

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_an_aria2_seeder()
    {
        await using var swarm = await SwarmAsync(22);
        await using var seeder = await Aria2Peer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("aria2c seeding");
        await DownloadWithEngineAsync(swarm);
    }

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_a_transmission_seeder()
    {
        await using var swarm = await SwarmAsync(23);
        await using var seeder = await TransmissionPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("transmission seeding");
        await DownloadWithEngineAsync(swarm);
    }

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_an_rtorrent_seeder()
    {
        await using var swarm = await SwarmAsync(25);
        await using var seeder = await RtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("rtorrent seeding");
        await DownloadWithEngineAsync(swarm);
    }

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_libtorrent_aria2_and_transmission_at_once()
    {
        await using var swarm = await SwarmAsync(24);
        // Each seeder is limited to 2 MiB/s so the download lasts long enough for all three to serve it: transmission
        // unchokes only at its 10 s rechoke, and at 3 MiB/s the other two once finished in 11 s without it (a loaded run).
        await using var lt = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new LibtorrentOptions { UploadLimit = 2 * MiB });
        await using var aria = await Aria2Peer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new Aria2Options { ExtraArguments = ["--max-upload-limit=2M"] });
        await using var tr = await TransmissionPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new TransmissionOptions { UploadLimitKiB = 2 * 1024 });
        await Task.WhenAll(lt.WaitUntilSeedingAsync(Step), aria.WaitUntilSeedingAsync(Step), tr.WaitUntilSeedingAsync(Step));
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 3, leechers: 0, Step);
        swarm.Mark("three seeders");
        var contributions = await DownloadWithEngineAsync(swarm);
        // Every seeder delivered part of the data.
        Assert.Equal(3, contributions.Count(c => c.Value > 0));
    }

    [Fact(Timeout = 240_000)]
    public async Task Engine_downloads_from_libtorrent_rtorrent_and_ctorrent_at_once()
    {
        await using var swarm = await SwarmAsync(26);
        // Three wire implementations, each limited to 3 MiB/s so that all of them serve part of the data.
        await using var lt = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new LibtorrentOptions { UploadLimit = 3 * MiB });
        await using var rt = await RtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new RtorrentOptions { UploadLimitKiB = 3 * 1024 });
        await using var ct = await CtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, uploadLimitKiB: 3 * 1024);
        await Task.WhenAll(lt.WaitUntilSeedingAsync(Step), rt.WaitUntilSeedingAsync(Step), ct.WaitUntilSeedingAsync(Step));
        // ctorrent announces before its check, as a leecher, and as a seeder only at its next announce ~15 s later.
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 2, leechers: 1, Step);
        swarm.Mark("three seeders");
        // An address of our own: the seeders dial each other from 127.0.0.1, and rtorrent keeps one connection per address.
        var contributions = await DownloadWithEngineAsync(swarm, IPAddress.Parse("127.0.0.5"));
        Assert.Equal(3, contributions.Count(c => c.Value > 0));
    }

    /// <summary>64 MiB over 6 files, 256 KiB pieces, opentracker.</summary>
    private Task<InteropSwarm> SwarmAsync(int seed) => InteropSwarm.CreateAsync(output, "engine-dl", 64 * MiB + 77777, seed, fileCount: 6, pieceLength: 256 * 1024);

    /// <summary>Downloads with a fresh engine (on 127.0.0.1, or <paramref name="listenAddress"/>); returns the bytes each remote client (by peer id) delivered.</summary>
    private static async Task<Dictionary<string, long>> DownloadWithEngineAsync(InteropSwarm swarm, IPAddress? listenAddress = null)
    {
        await using var engine = await TestEngine.StartAsync(o =>
        {
            if (listenAddress is not null) o = o with { ListenOn = new IPEndPoint(listenAddress, 0) };
            return Environment.GetEnvironmentVariable("ENGINE_DEBUG") is null ? o : o with { ExtraHocon = "akka.loglevel = DEBUG\nakka.stdout-loglevel = DEBUG" };
        });
        var target = swarm.Tmp.Sub("engine");
        var torrent = await engine.AddAsync(swarm.Torrent.TorrentPath, target);
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
                swarm.Mark($"  {s.Progress * 100:F1}% ({s.VerifiedPieces}/{s.PieceCount}) {s.DownloadRate / MiB:F1} MiB/s, received {s.Downloaded / MiB} MiB, {s.Peers} peers{(s.InEndgame ? ", endgame" : "")}");
            }
            return s.IsComplete && s.State == Engine.Events.TorrentState.Seeding;
        }, Transfer, "completion");
        var seconds = clock.Elapsed.TotalSeconds;
        swarm.Mark($"engine complete: {status.VerifiedBytes} B in {seconds:F2} s ({status.VerifiedBytes / seconds / MiB:F1} MiB/s), hash failures {status.HashFailures}");
        Assert.Equal(0, status.HashFailures);
        foreach (var (peer, bytes) in contributions) swarm.Mark($"  from {peer}: {bytes} B");
        await Engine.Runtime.EngineSystem.StopAsync(torrent);
        DirectoryComparer.AssertIdentical(swarm.Data.Root, Path.Combine(target, swarm.Torrent.Name));
        return contributions;
    }
}
