using Engine.Core.Cluster;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Cluster;

public sealed class ReplicaPlacementTests
{
    private static string[] Nodes(int n, int first = 0) =>
        Enumerable.Range(first, n).Select(i => $"akka.tcp://torrent-cluster@10.0.0.{i}:4053").ToArray();

    private static InfoHash[] Hashes(int count, int seed)
    {
        var random = new Random(seed);
        var hashes = new InfoHash[count];
        var bytes = new byte[InfoHash.Length];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            hashes[i] = InfoHash.FromBytes(bytes);
        }
        return hashes;
    }

    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(2, 2, 2)]
    [InlineData(3, 2, 2)]
    [InlineData(5, 3, 3)]
    [InlineData(4, 1, 1)]
    [InlineData(3, 9, 3)]
    public void Placement_gives_R_distinct_nodes_capped_by_the_node_count(int nodes, int replicas, int expected)
    {
        var members = Nodes(nodes);
        foreach (var hash in Hashes(200, nodes * 31 + replicas))
        {
            var placed = ReplicaPlacement.Place(hash, members, replicas);
            Assert.Equal(expected, placed.Count);
            Assert.Equal(expected, placed.Distinct().Count());
            Assert.All(placed, n => Assert.Contains(n, members));
        }
    }

    [Fact]
    public void No_nodes_place_nothing_and_duplicate_names_count_once()
    {
        var hash = Hashes(1, 1)[0];
        Assert.Empty(ReplicaPlacement.Place(hash, [], 2));
        Assert.Single(ReplicaPlacement.Place(hash, ["a", "a", "a"], 2));
    }

    [Fact]
    public void A_replication_factor_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReplicaPlacement.Place(Hashes(1, 2)[0], Nodes(3), 0));
    }

    [Fact]
    public void Every_order_of_the_members_gives_the_same_placement()
    {
        var random = new Random(7);
        var members = Nodes(6);
        foreach (var hash in Hashes(100, 3))
        {
            var expected = ReplicaPlacement.Place(hash, members, 3);
            var shuffled = members.OrderBy(_ => random.Next()).ToArray();
            Assert.Equal(expected, ReplicaPlacement.Place(hash, shuffled, 3));
        }
    }

    [Fact]
    public void Holds_agrees_with_place()
    {
        var members = Nodes(4);
        foreach (var hash in Hashes(100, 4))
        {
            var placed = ReplicaPlacement.Place(hash, members);
            foreach (var node in members)
                Assert.Equal(placed.Contains(node), ReplicaPlacement.Holds(node, hash, members));
        }
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(5, 2)]
    [InlineData(8, 3)]
    public void A_node_that_leaves_moves_only_its_own_replicas_each_to_one_other_node(int n, int replicas)
    {
        var members = Nodes(n);
        var leaving = members[n / 2];
        var after = members.Where(m => m != leaving).ToArray();
        foreach (var hash in Hashes(2_000, n))
        {
            var before = ReplicaPlacement.Place(hash, members, replicas);
            var now = ReplicaPlacement.Place(hash, after, replicas);
            if (!before.Contains(leaving))
            {
                Assert.Equal(before, now);
                continue;
            }
            var kept = before.Where(m => m != leaving).ToArray();
            Assert.All(kept, m => Assert.Contains(m, now));
            Assert.Single(now.Except(kept));
        }
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(5, 2)]
    [InlineData(8, 3)]
    public void A_node_that_joins_takes_about_R_over_n_of_the_torrents_one_replica_each(int n, int replicas)
    {
        var members = Nodes(n);
        var joining = Nodes(1, first: 100)[0];
        var after = members.Append(joining).ToArray();
        const int torrents = 20_000;
        var moved = 0;
        foreach (var hash in Hashes(torrents, n + 100))
        {
            var before = ReplicaPlacement.Place(hash, members, replicas);
            var now = ReplicaPlacement.Place(hash, after, replicas);
            var gained = now.Except(before).ToArray();
            if (gained.Length == 0)
            {
                Assert.Equal(before, now);
                continue;
            }
            moved++;
            Assert.Equal([joining], gained); // only the new node gains, and it displaces at most one holder
            Assert.True(before.Except(now).Count() <= 1);
        }
        var expected = (double)Math.Min(replicas, n + 1) / (n + 1);
        var share = (double)moved / torrents;
        Assert.InRange(share, expected - 0.02, expected + 0.02);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(7, 2)]
    [InlineData(10, 3)]
    public void Replicas_spread_evenly_over_the_nodes(int n, int replicas)
    {
        var members = Nodes(n);
        var counts = members.ToDictionary(m => m, _ => 0);
        const int torrents = 30_000;
        foreach (var hash in Hashes(torrents, 99))
            foreach (var node in ReplicaPlacement.Place(hash, members, replicas))
                counts[node]++;
        var fair = (double)torrents * replicas / n;
        Assert.All(counts.Values, c => Assert.InRange(c, fair * 0.95, fair * 1.05));
    }

    [Fact]
    public void The_weight_depends_on_both_the_node_and_the_hash()
    {
        var (a, b) = (Hashes(2, 5)[0], Hashes(2, 5)[1]);
        Assert.Equal(ReplicaPlacement.Weight("x", a), ReplicaPlacement.Weight("x", a));
        Assert.NotEqual(ReplicaPlacement.Weight("x", a), ReplicaPlacement.Weight("y", a));
        Assert.NotEqual(ReplicaPlacement.Weight("x", a), ReplicaPlacement.Weight("x", b));
    }
}
