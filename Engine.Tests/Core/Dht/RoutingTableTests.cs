using System.Net;
using Engine.Core.Dht;

namespace Engine.Tests.Core.Dht;

public sealed class RoutingTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
    private static int _port = 1;

    private static DhtContact Contact(NodeId id) => new(id, new IPEndPoint(IPAddress.Parse("10.0.0.1"), _port++ % 65000 + 1));

    [Fact]
    public void Buckets_split_only_around_our_id_so_the_table_knows_more_nodes_near_us_and_never_more_than_160_k()
    {
        var rng = new Random(7);
        var ours = NodeId.Random(rng);
        var table = new RoutingTable(ours, T0);
        for (var i = 0; i < 20_000; i++) table.Insert(Contact(NodeId.Random(rng)), T0);
        // Near ours too: ids sharing long prefixes.
        for (var bits = 1; bits < 40; bits++) table.Insert(Contact(ours.RandomWithPrefix(bits, rng)), T0);
        Assert.True(table.BucketCount > 10);
        Assert.True(table.Count <= table.BucketCount * table.K);
        for (var i = 0; i < table.BucketCount; i++)
        {
            var bucket = table.Buckets[i];
            Assert.True(bucket.Nodes.Count <= table.K);
            foreach (var n in bucket.Nodes)
            {
                var prefix = ours.CommonPrefix(n.Contact.Id);
                if (i < table.BucketCount - 1) Assert.Equal(i, prefix);
                else Assert.True(prefix >= i);
            }
        }
        Assert.Equal(table.K, table.Buckets[0].Nodes.Count); // half the id space: always full
    }

    [Fact]
    public void A_known_node_that_answers_again_is_refreshed_and_our_own_id_never_enters()
    {
        var rng = new Random(8);
        var table = new RoutingTable(NodeId.Random(rng), T0);
        var c = Contact(NodeId.Random(rng));
        table.Insert(c, T0);
        table.Failed(c.Id, T0);
        table.Insert(c, T0 + TimeSpan.FromMinutes(1));
        var node = table.Find(c.Id)!;
        Assert.Equal((0, T0 + TimeSpan.FromMinutes(1)), (node.Failures, node.LastResponse));
        table.Insert(new DhtContact(table.Ours, c.EndPoint), T0);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void A_full_bucket_keeps_a_newcomer_as_replacement_names_a_stale_node_to_ping_and_swaps_them_when_it_fails()
    {
        var rng = new Random(9);
        var ours = NodeId.Random(rng);
        var table = new RoutingTable(ours, T0);
        // Fill the far bucket (first bit differs) and force the table to have split once, so that bucket 0 cannot split.
        var far = ours.Xor(new NodeId(1UL << 63, 0, 0));
        for (var i = 0; i < 8; i++) table.Insert(Contact(ours.RandomWithPrefix(1, rng)), T0);
        var farNodes = Enumerable.Range(0, 8).Select(_ => Contact(far.RandomWithPrefix(1, rng))).ToList();
        foreach (var f in farNodes) table.Insert(f, T0);
        Assert.True(table.BucketCount >= 2);
        Assert.Equal(8, table.Buckets[0].Nodes.Count);

        var later = T0 + TimeSpan.FromMinutes(20); // everyone questionable now
        var newcomer = Contact(far.RandomWithPrefix(1, rng));
        var stale = table.Insert(newcomer, later);
        Assert.NotNull(stale);
        Assert.Null(table.Find(newcomer.Id));
        Assert.Contains(newcomer, table.Buckets[0].Replacements);

        table.Failed(stale!.Contact.Id, later);
        Assert.Null(table.Find(stale.Contact.Id));
        Assert.NotNull(table.Find(newcomer.Id));
    }

    [Fact]
    public void A_good_node_survives_one_failure_and_a_node_failing_twice_is_bad_and_left_out_of_answers()
    {
        var rng = new Random(10);
        var table = new RoutingTable(NodeId.Random(rng), T0);
        var c = Contact(NodeId.Random(rng));
        table.Insert(c, T0);
        table.Failed(c.Id, T0);
        Assert.Contains(c, table.Closest(c.Id, 8));
        table.Failed(c.Id, T0);
        Assert.True(table.Find(c.Id)!.IsBad);
        Assert.DoesNotContain(c, table.Closest(c.Id, 8));
    }

    [Fact]
    public void Closest_returns_the_nearest_nodes_in_order_of_distance()
    {
        var rng = new Random(11);
        var table = new RoutingTable(NodeId.Random(rng), T0);
        var all = Enumerable.Range(0, 500).Select(_ => Contact(NodeId.Random(rng))).ToList();
        foreach (var c in all) table.Insert(c, T0);
        var target = NodeId.Random(rng);
        var closest = table.Closest(target, 8);
        var inTable = table.Contacts().ToList();
        var expected = inTable.OrderBy(c => c.Id.Xor(target)).Take(8).ToList();
        Assert.Equal(expected, closest);
    }

    [Fact]
    public void Quiet_buckets_are_refreshed_with_a_random_id_that_falls_into_them()
    {
        var rng = new Random(12);
        var table = new RoutingTable(NodeId.Random(rng), T0);
        for (var i = 0; i < 300; i++) table.Insert(Contact(NodeId.Random(rng)), T0);
        Assert.Empty(table.RefreshTargets(T0 + TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), rng));
        var targets = table.RefreshTargets(T0 + TimeSpan.FromMinutes(16), TimeSpan.FromMinutes(15), rng);
        Assert.Equal(table.BucketCount, targets.Count);
        for (var i = 0; i < targets.Count; i++)
            Assert.Equal(i, Math.Min(table.Ours.CommonPrefix(targets[i]), table.BucketCount - 1));
        Assert.Empty(table.RefreshTargets(T0 + TimeSpan.FromMinutes(17), TimeSpan.FromMinutes(15), rng));
    }
}
