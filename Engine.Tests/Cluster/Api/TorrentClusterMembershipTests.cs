using Engine.Cluster.Api;
using Engine.Core.Cluster;
using Engine.Core.Primitives;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Cluster.Api;

/// <summary>A node joins a cluster that holds several torrents; a torrent is removed from the catalog.</summary>
public sealed class TorrentClusterMembershipTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-join");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_joining_node_takes_only_its_share_and_a_removed_torrent_leaves_every_node()
    {
        var torrents = Enumerable.Range(0, 6)
            .Select(i => TorrentFactory.CreateSeeded(_dir, $"part-{i}", 256 * 1024, fileCount: 1, pieceLength: 32 * 1024, contentSeed: 100 + i))
            .ToList();
        await using var seeder = ApiTestEngines.Create(_dir.Sub("seeder-state"));
        foreach (var t in torrents)
            await (await seeder.AddAsync(t.TorrentPath, _dir.Sub("seed"))).WaitForStateAsync(Engine.Events.TorrentState.Seeding);

        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(3, Bound);
        foreach (var t in torrents)
            await cluster.Nodes[0].AddAsync(File.ReadAllBytes(t.TorrentPath), sources: [seeder.ListenEndPoint!]);
        var before = await WaitForPlacementAsync(cluster, torrents.Select(t => t.InfoHash).ToList());

        var joined = cluster.Add();
        await cluster.WaitForMembersAsync(Bound);
        var after = await WaitForPlacementAsync(cluster, torrents.Select(t => t.InfoHash).ToList());

        foreach (var t in torrents)
        {
            var gained = after[t.InfoHash].Except(before[t.InfoHash]).ToList();
            var lost = before[t.InfoHash].Except(after[t.InfoHash]).ToList();
            Assert.True(gained.Count <= 1 && lost.Count == gained.Count, $"{t.Name}: gained {string.Join(", ", gained)}, lost {string.Join(", ", lost)}");
            if (gained.Count == 1) Assert.Equal(joined.Node, gained[0]);
            Assert.Equal(after[t.InfoHash].Contains(joined.Node), joined.Engine.Find(t.InfoHash) is not null);
        }

        // Removing a torrent removes every replica and its data, on every node.
        var removed = torrents[0];
        await cluster.Nodes[1].RemoveAsync(removed.InfoHash);
        var left = "";
        try
        {
            await ClusterTestNodes.WaitAsync(async () =>
            {
                foreach (var node in cluster.Nodes)
                {
                    left = (await node.ListAsync()).Any(t => t.InfoHash == removed.InfoHash) ? $"{node.Node} lists it"
                        : node.Engine.Find(removed.InfoHash) is not null ? $"{node.Node}'s engine has it"
                        : Directory.Exists(Path.Combine(cluster.DataOf(node), "torrents", removed.InfoHash.ToHex())) ? $"{node.Node} has its data"
                        : "";
                    if (left.Length > 0) return false;
                }
                return true;
            }, Bound, "the removed torrent gone from every node's catalog, engine and disk");
        }
        catch (TimeoutException e) { throw new TimeoutException($"{e.Message}: {left}", e); }
    }

    /// <summary>Waits until every torrent's complete replicas are exactly where placement over the current members puts them; returns them.</summary>
    private static async Task<Dictionary<InfoHash, HashSet<string>>> WaitForPlacementAsync(ClusterTestNodes cluster, IReadOnlyList<InfoHash> hashes)
    {
        var members = cluster.Nodes.Select(n => n.Node).ToList();
        var result = new Dictionary<InfoHash, HashSet<string>>();
        await ClusterTestNodes.WaitAsync(async () =>
        {
            var listed = await cluster.Nodes[0].ListAsync();
            foreach (var hash in hashes)
            {
                var t = listed.SingleOrDefault(x => x.InfoHash == hash);
                if (t is null) return false;
                var complete = t.Holders.Where(h => h.IsComplete).Select(h => h.Node).ToHashSet();
                if (t.Holders.Count != complete.Count || !complete.SetEquals(ReplicaPlacement.Place(hash, members, 2))) return false;
                result[hash] = complete;
            }
            return true;
        }, Bound, "every torrent complete on exactly its placed nodes");
        return result;
    }
}
