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

    [Fact]
    public async Task A_removed_torrent_leaves_a_tombstone_that_goes_once_expired_and_it_can_be_added_again()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "again", 64 * 1024, fileCount: 1, pieceLength: 32 * 1024);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(1, TimeSpan.FromSeconds(30));
        var node = cluster.Nodes[0];
        var replicator = DistributedData.Get(node.ClusterSystem).Replicator;
        var self = AkkaCluster.Get(node.ClusterSystem).SelfUniqueAddress;
        async Task<IReadOnlyDictionary<string, string>> CatalogAsync() =>
            (await replicator.Ask<GetSuccess>(Dsl.Get(ClusterKeys.Torrents, ReadLocal.Instance), TimeSpan.FromSeconds(5))).Get(ClusterKeys.Torrents).Entries;

        var hash = await node.AddAsync(File.ReadAllBytes(torrent.TorrentPath));
        await node.RemoveAsync(hash);
        Assert.True(CatalogTombstone.Is((await CatalogAsync())[hash.ToHex()], out _));
        await ClusterTestNodes.WaitAsync(async () => (await node.ListAsync()).Count == 0 && node.Engine.Find(hash) is null, TimeSpan.FromSeconds(10), "removed");

        // An expired tombstone (another key's, written long ago) is taken out by the node that reads it.
        var old = "89abcdef0123456789abcdef0123456789abcdef";
        await replicator.Ask<IUpdateResponse>(Dsl.Update(ClusterKeys.Torrents, LWWDictionary<string, string>.Empty, WriteLocal.Instance,
            d => d.SetItem(self, old, CatalogTombstone.Make(DateTimeOffset.UtcNow - CatalogTombstone.Lifetime - TimeSpan.FromMinutes(1)))), TimeSpan.FromSeconds(5));
        await ClusterTestNodes.WaitAsync(async () => !(await CatalogAsync()).ContainsKey(old), TimeSpan.FromSeconds(10), "the expired tombstone removed");
        Assert.True((await CatalogAsync()).ContainsKey(hash.ToHex())); // the fresh one stays

        Assert.Equal(hash, await node.AddAsync(File.ReadAllBytes(torrent.TorrentPath)));
        await ClusterTestNodes.WaitAsync(async () => (await node.ListAsync()).Select(t => t.InfoHash).SequenceEqual([hash]) && node.Engine.Find(hash) is not null,
            TimeSpan.FromSeconds(10), "added again over its tombstone");
    }
}
