using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Metadata;

/// <summary>
/// A magnet link naming only a transmission or an aria2 seeder (<c>x.pe</c>): we fetch the metadata from it (BEP 9), then
/// the data, over the connection the metadata came on.
/// </summary>
[Trait("Category", "Interop")]
public sealed class SeederMagnetInteropTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-seeder-magnet-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("transmission")]
    [InlineData("aria2")]
    public async Task A_magnet_link_downloads_from_a_seeder_that_serves_the_metadata(string client)
    {
        using var data = GeneratedTorrent.Create("seeder-magnet", [("a.bin", 2_500_000), ("sub/b.bin", 654_321)], 64 * 1024, seed: 44);
        var torrent = new TestTorrent(data.TorrentPath, data.Metainfo.InfoHash.ToHex(), data.Metainfo.Name, data.Metainfo.PieceLength, data.Metainfo.TotalLength);
        await using ExternalPeer seeder = client == "transmission"
            ? await TransmissionPeer.StartSeederAsync(torrent, data.SeedDirectory)
            : await Aria2Peer.StartSeederAsync(torrent, data.SeedDirectory);
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));

        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "state"));
        var target = data.NewDirectory("leech");
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{torrent.InfoHashHex}&x.pe=127.0.0.1:{seeder.Port}", target);
        await using var events = handle.Events().GetAsyncEnumerator();
        await events.NextAsync<MetadataReceived>(TimeSpan.FromSeconds(30));
        Assert.Equal("seeder-magnet", handle.Name);
        await events.NextAsync<Completed>(TimeSpan.FromSeconds(60));
        await handle.WaitForStateAsync(ApiState.Seeding);
        data.AssertSameData(target);
    }
}
