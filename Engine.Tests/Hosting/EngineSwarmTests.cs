using System.Diagnostics;
using Engine.Events;
using Engine.Limits;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Hosting;

/// <summary>Several engines in one process on loopback, introduced to each other directly (no tracker).</summary>
public sealed class EngineSwarmTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Four_leechers_fed_by_a_rate_limited_seeder_share_pieces_among_themselves()
    {
        const long seedRate = 1536 * 1024;
        using var data = GeneratedTorrent.Create("swarm", [("one.bin", 2_500_000), ("sub/two.bin", 3_000_000), ("sub/three.bin", 700_001)], 64 * 1024, seed: 4);
        var size = data.Metainfo.TotalLength;
        await using var seeder = await EngineNode.StartAsync("swarm-seeder", data.Metainfo, data.SeedDirectory, data.Root,
            new RateLimits(seedRate, 0));
        await seeder.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        var leechers = new List<EngineNode>();
        try
        {
            for (var i = 0; i < 4; i++)
                leechers.Add(await EngineNode.StartAsync($"swarm-leecher{i}", data.Metainfo, data.NewDirectory($"leecher{i}"), data.Root));
            var clock = Stopwatch.StartNew();
            foreach (var l in leechers) l.Connect([seeder, .. leechers.Where(o => o != l)]);
            foreach (var l in leechers) await l.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(40));
            var elapsed = clock.Elapsed;

            var seederStatus = await seeder.StatusAsync();
            output.WriteLine($"{size} bytes to 4 leechers in {elapsed.TotalSeconds:F1} s; seeder uploaded {seederStatus.Uploaded} ({(double)seederStatus.Uploaded / size:F2}x)");
            foreach (var l in leechers)
            {
                var s = await l.StatusAsync();
                output.WriteLine($"  {l.Engine.System.Name}: downloaded {s.Downloaded}, uploaded {s.Uploaded}");
                data.AssertSameData(l.SaveDirectory);
                Assert.True(s.Uploaded > 0, $"{l.Engine.System.Name} uploaded nothing to the other leechers");
            }
            Assert.True(seederStatus.Uploaded < 2.5 * size, $"the seeder uploaded {seederStatus.Uploaded} bytes, {(double)seederStatus.Uploaded / size:F2}x the torrent");
        }
        finally
        {
            foreach (var l in leechers) await l.DisposeAsync();
        }
    }
}
