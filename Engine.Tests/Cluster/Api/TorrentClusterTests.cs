using System.Diagnostics;
using Engine.Api;
using Engine.Cluster.Api;
using Engine.Core.Cluster;
using Engine.Core.Primitives;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Cluster.Api;

/// <summary>Three nodes in one process on 127.0.0.1: placement, replication from a seeder outside, re-replication after a node goes.</summary>
public sealed class TorrentClusterTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster");
    private readonly ITestOutputHelper _output;

    public TorrentClusterTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Three_nodes_form_a_cluster_and_every_node_sees_the_same_members()
    {
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(3, Bound);
        var views = await Task.WhenAll(cluster.Nodes.Select(n => n.GetMembersAsync()));
        Assert.All(views, v => Assert.Equal(cluster.Nodes.Select(n => n.Node).Order(StringComparer.Ordinal), v));
    }

    [Fact]
    public async Task A_torrent_that_is_no_torrent_is_refused_before_it_reaches_the_catalog()
    {
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(1, Bound);
        await Assert.ThrowsAsync<Engine.Core.Metainfo.MetainfoException>(() => cluster.Nodes[0].AddAsync("not a torrent"u8.ToArray()));
        Assert.Empty(await cluster.Nodes[0].ListAsync());
    }

    [Theory]
    [InlineData("leaves")]
    [InlineData("crashes")]
    public async Task A_torrent_gets_two_complete_replicas_and_a_third_node_takes_over_when_one_goes(string how)
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "cluster-data", 4L * 1024 * 1024, fileCount: 2, pieceLength: 64 * 1024);
        await using var seeder = ApiTestEngines.Create(_dir.Sub("seeder-state"));
        var seeding = await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(Engine.Events.TorrentState.Seeding);

        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(3, Bound);
        var hash = await cluster.Nodes[0].AddAsync(File.ReadAllBytes(torrent.TorrentPath), sources: [seeder.ListenEndPoint!]);
        Assert.Equal(torrent.InfoHash, hash);

        // Two replicas, on the nodes placement names, complete and byte-exact.
        var members = cluster.Nodes.Select(n => n.Node).ToList();
        var placed = ReplicaPlacement.Place(hash, members, 2);
        await WaitForCompleteAsync(cluster.Nodes[0], hash, placed, "two replicas from the seeder");
        foreach (var node in cluster.Nodes.Where(n => placed.Contains(n.Node))) AssertByteExact(cluster, node, torrent);
        var third = cluster.Nodes.Single(n => !placed.Contains(n.Node));
        Assert.Null(third.Engine.Find(hash));

        // The seeder goes, then one replica's node: the third node fills from the survivor alone.
        await seeding.RemoveAsync(deleteData: false);
        var gone = cluster.Nodes.First(n => placed.Contains(n.Node));
        var survivor = cluster.Nodes.Single(n => n != gone && placed.Contains(n.Node));
        var clock = Stopwatch.StartNew();
        if (how == "leaves") await gone.StopAsync(); else await gone.CrashAsync();
        await WaitForCompleteAsync(survivor, hash, [survivor.Node, third.Node], "a new replica on the third node");
        clock.Stop();
        AssertByteExact(cluster, third, torrent);
        var mib = torrent.TotalLength / (1024.0 * 1024);
        _output.WriteLine($"node {how}: new complete replica after {clock.Elapsed.TotalSeconds:F2} s for {mib:F0} MiB ({clock.Elapsed.TotalSeconds / mib:F2} s/MiB)");
    }

    private static async Task WaitForCompleteAsync(TorrentCluster node, InfoHash hash, IReadOnlyList<string> on, string what)
    {
        ClusterTorrent? last = null;
        try
        {
            await ClusterTestNodes.WaitAsync(async () =>
            {
                last = (await node.ListAsync()).SingleOrDefault(t => t.InfoHash == hash);
                return last is not null && on.All(n => last.Holders.Any(h => h.Node == n && h.IsComplete));
            }, Bound, what);
        }
        catch (TimeoutException e)
        {
            var holders = last is null ? "not listed" : string.Join(", ", last.Holders.Select(h => $"{h.Node} {h.VerifiedPieces}/{h.PieceCount}"));
            throw new TimeoutException($"{e.Message}; placed on {string.Join(", ", last?.PlacedOn ?? [])}; holders: {holders}", e);
        }
    }

    private static void AssertByteExact(ClusterTestNodes cluster, TorrentCluster node, TestTorrent torrent) =>
        DirectoryComparer.AssertIdentical(Path.Combine(Path.GetDirectoryName(torrent.TorrentPath)!, "seed", torrent.Name),
            Path.Combine(cluster.DataOf(node), "torrents", torrent.InfoHash.ToHex(), torrent.Name));
}
