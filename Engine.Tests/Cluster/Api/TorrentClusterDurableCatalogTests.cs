using Engine.Cluster.Api;
using Engine.Core.Primitives;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Cluster.Api;

/// <summary>The durable catalog (LMDB): a cluster whose nodes all stop comes back with its torrents.</summary>
public sealed class TorrentClusterDurableCatalogTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-durable");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task After_every_node_stopped_a_durable_catalog_brings_the_torrents_back_placed_and_complete(bool durable)
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "durable-data", 1024 * 1024, fileCount: 2, pieceLength: 64 * 1024);
        InfoHash hash;
        await using (var seeder = ApiTestEngines.Create(_dir.Sub("seeder-state")))
        {
            var seeding = await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
            await seeding.WaitForStateAsync(Engine.Events.TorrentState.Seeding);
            await using var before = new ClusterTestNodes(_dir) { DurableCatalog = durable };
            await before.StartAsync(2, Bound);
            hash = await before.Nodes[0].AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 2, sources: [seeder.ListenEndPoint!]);
            await WaitForCompleteReplicasAsync(before.Nodes[1], hash, 2, "two complete replicas before the stop");
            Assert.True(await before.Nodes[1].SetLimitsAsync(hash, upload: 400_000, download: null)); // the settings key is durable too
            foreach (var node in before.Nodes) await node.StopAsync();
        }

        // The whole cluster comes back (new cluster ports, so new node addresses), with no seeder anywhere.
        await using var after = new ClusterTestNodes(_dir) { DurableCatalog = durable };
        await after.StartAsync(2, Bound);
        if (durable)
        {
            await WaitForCompleteReplicasAsync(after.Nodes[0], hash, 2, "the torrent placed again and complete from the data on disk");
            var listed = (await after.Nodes[1].ListAsync()).Single();
            Assert.Equal(after.Nodes.Select(n => n.Node).Order(StringComparer.Ordinal), listed.PlacedOn.Order(StringComparer.Ordinal));
            Assert.Equal(400_000, listed.UploadLimit);
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(2)); // the nodes' gossip and refresh rounds: nothing comes back
            Assert.Empty(await after.Nodes[0].ListAsync());
        }
    }

    private static async Task WaitForCompleteReplicasAsync(TorrentCluster node, InfoHash hash, int count, string what) =>
        await ClusterTestNodes.WaitAsync(async () =>
        {
            var t = (await node.ListAsync()).SingleOrDefault(x => x.InfoHash == hash);
            return t is not null && t.Holders.Count(h => h.IsComplete) >= count;
        }, Bound, what);
}
