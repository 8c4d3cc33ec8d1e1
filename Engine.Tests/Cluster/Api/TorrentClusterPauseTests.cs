using Engine.Cluster.Api;
using Engine.Core.Cluster;
using Engine.Events;
using Engine.Tests.Interop;

namespace Engine.Tests.Cluster.Api;

/// <summary>Pause is in the catalog: every holder follows it, and a node that takes a replica over later starts it paused.</summary>
public sealed class TorrentClusterPauseTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-pause");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_paused_torrent_stays_paused_when_its_replica_moves_to_another_node_and_resumes_there()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "pause-data", 128 * 1024, fileCount: 1, pieceLength: 32 * 1024);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(2, Bound);
        var hash = await cluster.Nodes[0].AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 1);
        var holder = cluster.Nodes.Single(n => n.Node == ReplicaPlacement.Place(hash, cluster.Nodes.Select(m => m.Node).ToList(), 1)[0]);
        var other = cluster.Nodes.Single(n => n != holder);
        await ClusterTestNodes.WaitAsync(() => Task.FromResult(holder.Engine.Find(hash) is not null), Bound, "the replica on its node");
        // The catalog reaches the other node by gossip: it can pause only a torrent it knows of.
        await ClusterTestNodes.WaitAsync(async () => (await other.ListAsync()).Any(t => t.InfoHash == hash), Bound, "the catalog entry on the other node");

        Assert.True(await other.PauseAsync(hash));
        await WaitForStateAsync(holder, hash, TorrentState.Paused, "the holder paused");
        Assert.True((await other.ListAsync()).Single().IsPaused);

        await holder.StopAsync();
        await WaitForStateAsync(other, hash, TorrentState.Paused, "the replica made on the other node, paused");
        Assert.True(await other.ResumeAsync(hash));
        await ClusterTestNodes.WaitAsync(async () => (await other.Engine.Find(hash)!.GetStatusAsync()).State != TorrentState.Paused, Bound, "the replica resumed");
        Assert.False(await other.PauseAsync(Engine.Core.Primitives.InfoHash.FromHex(new string('1', 40))));
    }

    private static Task WaitForStateAsync(TorrentCluster node, Engine.Core.Primitives.InfoHash hash, TorrentState state, string what) =>
        ClusterTestNodes.WaitAsync(async () => node.Engine.Find(hash) is { } h && (await h.GetStatusAsync()).State == state, Bound, what);
}
