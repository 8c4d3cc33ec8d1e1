using Akka.Actor;
using Akka.DistributedData;
using Engine.Cluster.Catalog;
using Engine.Tests.Cluster.Api;
using Engine.Tests.Interop;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Engine.Tests.Cluster.Nodes;

/// <summary>What a node does with replicated data it cannot use: it logs it and goes on with the rest.</summary>
public sealed class ClusterNodeTests : IDisposable
{
    private readonly TempDir _dir = new("cluster-node");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("not-an-info-hash", "v1;2;;AAAA")]
    [InlineData("0123456789abcdef0123456789abcdef01234567", "garbage")]
    [InlineData("0123456789abcdef0123456789abcdef01234567", "v1;2;;bm90IGEgdG9ycmVudA==")] // base64 of "not a torrent"
    public async Task A_malformed_catalog_entry_is_skipped_and_the_good_ones_still_listed(string key, string value)
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "good", 64 * 1024, fileCount: 1, pieceLength: 32 * 1024);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(1, TimeSpan.FromSeconds(30));
        var node = cluster.Nodes[0];
        var system = node.ClusterSystem;
        var self = AkkaCluster.Get(system).SelfUniqueAddress;
        var written = await DistributedData.Get(system).Replicator.Ask<IUpdateResponse>(
            Dsl.Update(ClusterKeys.Torrents, LWWDictionary<string, string>.Empty, WriteLocal.Instance, d => d.SetItem(self, key, value)), TimeSpan.FromSeconds(5));
        Assert.True(written.IsSuccessful);

        var hash = await node.AddAsync(File.ReadAllBytes(torrent.TorrentPath));
        await ClusterTestNodes.WaitAsync(async () => (await node.ListAsync()).Select(t => t.InfoHash).SequenceEqual([hash]) && node.Engine.Find(hash) is not null,
            TimeSpan.FromSeconds(10), "the good torrent listed alone and on the node's engine");
        Assert.Single(node.Engine.Torrents);
    }
}
