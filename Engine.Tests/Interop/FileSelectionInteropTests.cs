using Engine.Api;
using System.Net;
using Engine.Core.Metainfo;
using Engine.Metainfo;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>A libtorrent seeder → our engine with two of four files skipped: the wanted files byte-exact, the skipped ones never created.</summary>
[Trait("Category", "Interop")]
public sealed class FileSelectionInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(45);

    [Fact(Timeout = 180_000)]
    public async Task Our_engine_downloads_only_the_wanted_files_from_a_libtorrent_seeder()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "files-lt", 8 * 1024 * 1024 + 4321, 31, fileCount: 4, pieceLength: 64 * 1024);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);

        var target = swarm.Tmp.Sub("engine");
        await using var engine = TorrentEngine.Create(new TorrentEngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0), StateDirectory = swarm.Tmp.Sub("state"), Dht = false, Lsd = false,
        });
        var metainfo = TorrentMetainfo.Load(swarm.Torrent.TorrentPath);
        Assert.Equal(4, metainfo.Files.Count);
        var torrent = await engine.AddAsync(swarm.Torrent.TorrentPath, target,
            new TorrentOptions { FilePriorities = [FilePriority.Normal, FilePriority.Skip, FilePriority.High, FilePriority.Skip] });
        var status = await torrent.GetStatusAsync();
        for (var until = DateTime.UtcNow + TimeSpan.FromSeconds(90); !(status.IsComplete && status.State == Engine.Events.TorrentState.Seeding); status = await torrent.GetStatusAsync())
        {
            Assert.True(DateTime.UtcNow < until, $"not complete after 90 s: {status.VerifiedPieces}/{status.PieceCount} pieces, {status.State}");
            await Task.Delay(200);
        }
        swarm.Mark($"complete: {status.VerifiedPieces}/{status.PieceCount} pieces, hash failures {status.HashFailures}");
        Assert.True(status.VerifiedPieces < status.PieceCount);
        await torrent.StopAsync();

        for (var i = 0; i < metainfo.Files.Count; i++)
        {
            var file = metainfo.Files[i];
            var ours = Path.Combine(target, file.Path);
            if (i % 2 == 1)
            {
                Assert.False(File.Exists(ours), $"skipped file {file.Path} was created");
                continue;
            }
            Assert.Equal(File.ReadAllBytes(Path.Combine(swarm.SeedDir, file.Path)), File.ReadAllBytes(ours));
        }
    }
}
