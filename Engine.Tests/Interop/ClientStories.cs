using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;

namespace Engine.Tests.Interop;

/// <summary>
/// The two stories a real client is first checked with, on an <see cref="InteropSwarm"/>: we download from it as the only
/// seeder, dialling it; and it downloads from us as the only seeder, finding us through the swarm's opentracker. Both
/// end byte-identical. And the first magnet story: we fetch the metadata and the data from it.
/// </summary>
public static class ClientStories
{
    /// <summary>Waits for <paramref name="seeder"/> (listening on <paramref name="address"/>) to seed, then downloads from it alone.</summary>
    public static async Task WeDownloadFromAsync(InteropSwarm swarm, ExternalPeer seeder, string address, TimeSpan bound)
    {
        await seeder.WaitUntilSeedingAsync(bound);
        swarm.Mark($"{seeder.Program} seeding");
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(swarm.Tmp.Sub("state")));
        var target = swarm.Tmp.Sub("down");
        var handle = await engine.AddAsync(swarm.Torrent.TorrentPath, target);
        handle.AddPeers([new IPEndPoint(IPAddress.Parse(address), seeder.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, bound);
        swarm.Mark("engine complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, Path.Combine(target, swarm.Torrent.Name));
    }

    /// <summary>
    /// Waits for <paramref name="seeder"/> (listening on <paramref name="address"/>) to seed, then fetches the metadata
    /// and the data from it with nothing but a magnet link that names it (<c>x.pe</c>).
    /// </summary>
    public static async Task WeFetchAMagnetFromAsync(InteropSwarm swarm, ExternalPeer seeder, string address, TimeSpan bound)
    {
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = ApiTestEngines.Create(swarm.Tmp.Sub("state"));
        var target = swarm.Tmp.Sub("leech");
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{swarm.Torrent.InfoHashHex}&x.pe={address}:{seeder.Port}", target);
        await using var events = handle.Events().GetAsyncEnumerator();
        var (received, _) = await events.NextAsync<MetadataReceived>(bound);
        Assert.Equal(swarm.Torrent.Name, received.Name);
        await handle.WaitForStateAsync(TorrentState.Seeding, bound);
        swarm.Mark("engine complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, Path.Combine(target, swarm.Torrent.Name));
    }

    /// <summary>Seeds the swarm's data, waits for the tracker to list us, then starts a leecher into a directory of its own and waits for it.</summary>
    public static async Task DownloadsFromUsThroughOpenTrackerAsync(InteropSwarm swarm, Func<string, Task<ExternalPeer>> startLeecher, TimeSpan bound)
    {
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(swarm.Tmp.Sub("state")));
        var seeding = await engine.AddAsync(swarm.Torrent.TorrentPath, swarm.SeedDir);
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, TimeSpan.FromSeconds(30));
        swarm.Mark("engine announced as a seeder");
        await using var leecher = await startLeecher(swarm.Tmp.Sub("leecher"));
        await leecher.WaitForCompletionAsync(bound);
        swarm.Mark($"{leecher.Program} complete");
        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
    }
}
