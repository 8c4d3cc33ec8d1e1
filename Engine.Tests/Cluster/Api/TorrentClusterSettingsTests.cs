using Engine.Api;
using Engine.Cluster.Api;
using Engine.Core.Cluster;
using Engine.Core.Primitives;
using Engine.Tests.Interop;

namespace Engine.Tests.Cluster.Api;

/// <summary>
/// A torrent's own rate limits and file priorities are in the catalog: set from a node that does not hold it, the holder
/// applies them, and the node that takes the replica over after the holder leaves starts with them.
/// </summary>
public sealed class TorrentClusterSettingsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-settings");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Limits_and_file_priorities_set_on_any_node_reach_the_holder_and_survive_the_replicas_move()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "settings-data", 256 * 1024, fileCount: 3, pieceLength: 32 * 1024);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(2, Bound);
        var hash = await cluster.Nodes[0].AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 1);
        var holder = cluster.Nodes.Single(n => n.Node == ReplicaPlacement.Place(hash, cluster.Nodes.Select(m => m.Node).ToList(), 1)[0]);
        var other = cluster.Nodes.Single(n => n != holder);
        await ClusterTestNodes.WaitAsync(() => Task.FromResult(holder.Engine.Find(hash) is not null), Bound, "the replica on its node");
        await ClusterTestNodes.WaitAsync(async () => (await other.ListAsync()).Any(t => t.InfoHash == hash), Bound, "the catalog entry on the other node");

        Assert.True(await other.SetLimitsAsync(hash, upload: 100_000, download: 300_000));
        Assert.True(await other.SetFilePriorityAsync(hash, 2, FilePriority.High));
        Assert.True(await other.SetFilePriorityAsync(hash, 0, FilePriority.Low));
        FilePriority[] expected = [FilePriority.Low, FilePriority.Normal, FilePriority.High];
        await WaitForSettingsAsync(holder, hash, expected, "the holder applying the limits and priorities");
        var listed = (await holder.ListAsync()).Single();
        Assert.Equal((100_000L, 300_000L), (listed.UploadLimit!.Value, listed.DownloadLimit!.Value));
        Assert.Equal(expected, listed.FilePriorities);

        await holder.StopAsync();
        await WaitForSettingsAsync(other, hash, expected, "the replica made on the other node, with the same limits and priorities");

        Assert.True(await other.SetLimitsAsync(hash, upload: null, download: null));
        await ClusterTestNodes.WaitAsync(() => Task.FromResult(other.Engine.Find(hash)!.Options is { UploadLimit: null, DownloadLimit: null }), Bound, "the limits lifted");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => other.SetFilePriorityAsync(hash, 3, FilePriority.High));
        await Assert.ThrowsAsync<ArgumentException>(() => other.SetLimitsAsync(hash, 0, null));
        Assert.False(await other.SetLimitsAsync(InfoHash.FromHex(new string('1', 40)), 1000, null));
        Assert.False(await other.SetFilePriorityAsync(InfoHash.FromHex(new string('1', 40)), 0, FilePriority.Low));
    }

    [Fact]
    public async Task Two_nodes_changing_different_settings_of_one_torrent_at_the_same_time_both_keep_their_change()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "concurrent-data", 128 * 1024, fileCount: 3, pieceLength: 32 * 1024);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(2, Bound);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var hash = await a.AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 2);
        await ClusterTestNodes.WaitAsync(async () => (await b.ListAsync()).Any(t => t.InfoHash == hash), Bound, "the catalog entry on B");

        // Both writes land before a gossip round (500 ms) brings either to the other node.
        var both = await Task.WhenAll(a.SetLimitsAsync(hash, upload: 100_000, download: null), b.SetFilePriorityAsync(hash, 1, FilePriority.Skip));
        Assert.Equal([true, true], both);
        FilePriority[] expected = [FilePriority.Normal, FilePriority.Skip, FilePriority.Normal];
        foreach (var node in cluster.Nodes)
            await ClusterTestNodes.WaitAsync(async () => (await node.ListAsync()).Single() is { UploadLimit: 100_000, DownloadLimit: null } t
                && t.FilePriorities.SequenceEqual(expected), Bound, "both changes on " + node.Node);

        // Each node writes only the field it changes: A's upload and B's download at once both stay too.
        both = await Task.WhenAll(a.SetLimitsAsync(hash, upload: 200_000, download: null), b.SetLimitsAsync(hash, upload: 100_000, download: 50_000));
        Assert.Equal([true, true], both);
        foreach (var node in cluster.Nodes)
            await ClusterTestNodes.WaitAsync(() => Task.FromResult(node.Engine.Find(hash) is { } h
                && h.Options is { UploadLimit: 200_000, DownloadLimit: 50_000 } && h.FilePriorities(3).SequenceEqual(expected)), Bound, "both limits applied on " + node.Node);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // more gossip rounds change nothing
        foreach (var node in cluster.Nodes)
            Assert.True((await node.ListAsync()).Single() is { UploadLimit: 200_000, DownloadLimit: 50_000 } t && t.FilePriorities.SequenceEqual(expected));

        // Removed and added again, the torrent starts without them.
        await a.RemoveAsync(hash);
        await ClusterTestNodes.WaitAsync(async () => (await b.ListAsync()).Count == 0, Bound, "the removal on B");
        await b.AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 2);
        await ClusterTestNodes.WaitAsync(async () => (await a.ListAsync()).SingleOrDefault() is { UploadLimit: null, DownloadLimit: null } t
            && t.FilePriorities.All(p => p == FilePriority.Normal), Bound, "the torrent again, without the old settings");
    }

    private static Task WaitForSettingsAsync(TorrentCluster node, InfoHash hash, FilePriority[] priorities, string what) =>
        ClusterTestNodes.WaitAsync(() => Task.FromResult(node.Engine.Find(hash) is { } h
            && h.Options is { UploadLimit: 100_000, DownloadLimit: 300_000 }
            && h.FilePriorities(priorities.Length).SequenceEqual(priorities)), Bound, what);
}
