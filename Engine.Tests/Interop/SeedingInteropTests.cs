using System.Net;
using Akka.Actor;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Runtime;
using Engine.Torrents;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// Our engine as the only seeder of a multi-file torrent; a real client downloads it and must end with
/// byte-identical files. libtorrent connects to us directly; aria2c finds us through opentracker and dials
/// us; transmission-cli never dials loopback addresses, so we find it through opentracker and dial it; rtorrent
/// (libtorrent-rakshasa) finds us through opentracker from an address of its own.
/// </summary>
[Trait("Category", "Interop")]
public sealed class SeedingInteropTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Transfer = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 120_000)]
    public async Task Libtorrent_downloads_a_multi_file_torrent_from_our_engine_byte_identical()
    {
        await using var swarm = await SwarmAsync(41, withTracker: false);
        await using var engine = await StartEngineSeederAsync(swarm);
        await using var leecher = await LibtorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("libtorrent"),
            new LibtorrentOptions { NoTracker = true, ConnectTo = [engine.Port] });
        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("libtorrent complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
        await engine.AssertUploadedAtLeastAsync(swarm.Data.TotalBytes);
    }

    [Fact(Timeout = 120_000)]
    public async Task Aria2_finds_our_engine_through_opentracker_and_downloads_byte_identical()
    {
        await using var swarm = await SwarmAsync(42, withTracker: true);
        await using var engine = await StartEngineSeederAsync(swarm);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("engine announced as a seeder");
        await using var leecher = await Aria2Peer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("aria2"));
        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("aria2c complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
        await engine.AssertUploadedAtLeastAsync(swarm.Data.TotalBytes);
    }

    [Fact(Timeout = 120_000)]
    public async Task Transmission_is_dialled_by_our_engine_and_downloads_byte_identical()
    {
        await using var swarm = await SwarmAsync(43, withTracker: true);
        await using var leecher = await TransmissionPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("transmission"));
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 0, leechers: 1, Step);
        swarm.Mark("transmission announced");
        await using var engine = await StartEngineSeederAsync(swarm);
        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("transmission complete and stopped");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
        await engine.AssertUploadedAtLeastAsync(swarm.Data.TotalBytes);
    }

    [Fact(Timeout = 120_000)]
    public async Task Rtorrent_finds_our_engine_through_opentracker_and_downloads_byte_identical()
    {
        await using var swarm = await SwarmAsync(44, withTracker: true);
        await using var engine = await StartEngineSeederAsync(swarm);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("engine announced as a seeder");
        await using var leecher = await RtorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("rtorrent"));
        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("rtorrent complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
        await engine.AssertUploadedAtLeastAsync(swarm.Data.TotalBytes);
    }

    /// <summary>Our engine seeding from the data set's directory (hash-checked at start).</summary>
    private sealed class EngineSeeder : IAsyncDisposable
    {
        private readonly EngineSystem _engine;
        private readonly IActorRef _torrent;

        public EngineSeeder(EngineSystem engine, IActorRef torrent, int port)
        {
            _engine = engine;
            _torrent = torrent;
            Port = port;
        }

        public int Port { get; }

        public async Task AssertUploadedAtLeastAsync(long bytes)
        {
            var status = await EngineSystem.StatusAsync(_torrent);
            // The status refreshes its peer figures every second.
            for (var i = 0; i < 30 && status.Uploaded < bytes; i++)
            {
                await Task.Delay(100);
                status = await EngineSystem.StatusAsync(_torrent);
            }
            Assert.True(status.Uploaded >= bytes, $"the engine reports {status.Uploaded} bytes uploaded, the data is {bytes}");
        }

        public async ValueTask DisposeAsync()
        {
            await EngineSystem.StopAsync(_torrent);
            await _engine.DisposeAsync();
        }
    }

    /// <summary>~16 MiB over 7 files, 64 KiB pieces; opentracker when asked.</summary>
    private Task<InteropSwarm> SwarmAsync(int seed, bool withTracker) =>
        InteropSwarm.CreateAsync(output, "seeding", 16 * MiB + 12345, seed, fileCount: 7, pieceLength: 64 * 1024, withTracker);

    private static async Task<EngineSeeder> StartEngineSeederAsync(InteropSwarm swarm)
    {
        var options = new EngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
            ResumeDirectory = swarm.Tmp.Sub("engine-resume"),
        };
        var engine = EngineSystem.Start(options, "seeder");
        try
        {
            var endPoint = await engine.ListenEndPointAsync() ?? throw new InvalidOperationException("the engine did not bind");
            var torrent = await engine.AddAsync(TorrentMetainfo.Load(swarm.Torrent.TorrentPath), swarm.SeedDir);
            var deadline = DateTime.UtcNow + Step;
            TorrentStatus status;
            while ((status = await EngineSystem.StatusAsync(torrent)).State != TorrentState.Seeding)
            {
                if (status.State == TorrentState.Error || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"the engine did not start seeding: {status.State}, {status.VerifiedPieces}/{status.PieceCount} pieces verified, {status.Error}");
                await Task.Delay(50);
            }
            swarm.Mark($"engine seeding on {endPoint}");
            return new EngineSeeder(engine, torrent, endPoint.Port);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }
}
