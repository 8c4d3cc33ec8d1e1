using System.Net;
using Engine.Core.Dht;

namespace Engine.Tests.Core.Dht;

/// <summary>Two hundred of our DHT nodes in one process on virtual time: bootstrap, lookups, announce and get_peers, a flood.</summary>
public sealed class DhtSwarmTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Size = 200;
    private static readonly int MaxRounds = (int)Math.Ceiling(Math.Log2(Size)) + 2;

    [Fact]
    public void Every_node_joins_from_one_bootstrap_node_and_every_routing_table_stays_within_its_bounds()
    {
        var net = new DhtSimulation(Size, seed: 20);
        net.Bootstrap(TimeSpan.FromMinutes(5));
        foreach (var n in net.Nodes)
        {
            var table = n.Core.Table;
            Assert.True(table.Count >= 8, $"{n.EndPoint} knows {table.Count} nodes");
            Assert.True(table.Count <= table.BucketCount * table.K);
            Assert.All(table.Buckets, b => Assert.True(b.Nodes.Count <= table.K));
            Assert.DoesNotContain(table.Contacts(), c => c.Id == n.Core.Id);
        }
    }

    [Fact]
    public void Lookups_from_anywhere_find_the_closest_nodes_in_at_most_log2_n_plus_2_rounds()
    {
        var net = new DhtSimulation(Size, seed: 21);
        net.Bootstrap(TimeSpan.FromMinutes(5));
        var rng = new Random(22);
        var rounds = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            var from = net.Nodes[rng.Next(Size)];
            var target = NodeId.Random(rng);
            var id = from.Core.FindNode(target, net.Now);
            Assert.True(net.RunUntil(() => from.Done.ContainsKey(id), TimeSpan.FromMinutes(1)), "the lookup ends");
            var report = from.Done[id];
            rounds.Add(report.Rounds);
            Assert.True(report.Rounds <= MaxRounds, $"{report.Rounds} rounds > {MaxRounds}");
            var truth = net.Nodes.Where(n => n != from).Select(n => n.Core.Id).OrderBy(x => x.Xor(target)).Take(3).ToHashSet();
            Assert.True(truth.IsSubsetOf(report.Closest.Select(c => c.Id)), $"lookup {i}: the three closest nodes did not all answer ({report})");
        }
        output.WriteLine($"rounds: mean {rounds.Average():F1}, max {rounds.Max()} (bound {MaxRounds}); datagrams {net.Datagrams}");
    }

    [Fact]
    public void A_peer_announced_by_one_node_is_found_by_another_through_get_peers()
    {
        var net = new DhtSimulation(Size, seed: 23);
        net.Bootstrap(TimeSpan.FromMinutes(5));
        var hash = NodeId.Random(new Random(24)).ToInfoHash();
        var seeder = net.Nodes[17];
        var announce = seeder.Core.GetPeers(hash, announcePort: 51413, impliedPort: false, net.Now);
        Assert.True(net.RunUntil(() => seeder.Done.ContainsKey(announce), TimeSpan.FromMinutes(1)));
        Assert.True(seeder.Done[announce].Announced >= 6);
        net.RunUntil(() => false, TimeSpan.FromSeconds(2)); // the announces land

        var leecher = net.Nodes[150];
        var search = leecher.Core.GetPeers(hash, null, false, net.Now);
        Assert.True(net.RunUntil(() => leecher.Done.ContainsKey(search), TimeSpan.FromMinutes(1)));
        Assert.Contains(new IPEndPoint(seeder.EndPoint.Address, 51413), leecher.Found[search]);
        Assert.True(leecher.Done[search].Rounds <= MaxRounds);
    }

    [Fact]
    public void Lookups_still_converge_when_a_fifth_of_the_nodes_stop_answering()
    {
        var net = new DhtSimulation(Size, seed: 25);
        net.Bootstrap(TimeSpan.FromMinutes(5));
        var rng = new Random(26);
        foreach (var n in net.Nodes.Skip(1).OrderBy(_ => rng.Next()).Take(Size / 5)) net.Down.Add(n.EndPoint);
        var alive = net.Nodes.Where(n => !net.Down.Contains(n.EndPoint)).ToList();
        for (var i = 0; i < 10; i++)
        {
            var from = alive[rng.Next(alive.Count)];
            var target = NodeId.Random(rng);
            var id = from.Core.FindNode(target, net.Now);
            Assert.True(net.RunUntil(() => from.Done.ContainsKey(id), TimeSpan.FromMinutes(2)));
            var truth = alive.Where(n => n != from).Select(n => n.Core.Id).OrderBy(x => x.Xor(target)).First();
            Assert.Contains(truth, from.Done[id].Closest.Select(c => c.Id));
        }
    }

    [Fact]
    public void A_flood_of_random_queries_is_answered_within_its_rations_keeps_memory_bounded_and_lookups_still_succeed()
    {
        var net = new DhtSimulation(50, seed: 27);
        net.Bootstrap(TimeSpan.FromMinutes(5));
        var victim = net.Nodes[10].Core;
        var rng = new Random(28);
        for (var i = 0; i < 100_000; i++)
        {
            var source = new IPEndPoint(new IPAddress([198, 18, (byte)rng.Next(256), (byte)rng.Next(256)]), rng.Next(1, 65535));
            KrpcQuery q = (i % 4) switch
            {
                0 => new PingQuery([(byte)i, (byte)(i >> 8)], NodeId.Random(rng)),
                1 => new FindNodeQuery([1], NodeId.Random(rng), NodeId.Random(rng)),
                2 => new GetPeersQuery([2], NodeId.Random(rng), NodeId.Random(rng).ToInfoHash()),
                _ => new AnnouncePeerQuery([3], NodeId.Random(rng), NodeId.Random(rng).ToInfoHash(), 1, false, [1, 2, 3, 4, 5, 6, 7, 8]),
            };
            victim.OnPacket(KrpcCodec.Encode(q), source, net.Now + TimeSpan.FromMilliseconds(i / 10));
        }
        Assert.Equal(0, victim.Store.PeerCount); // every announce had a forged token
        Assert.True(victim.RateLimited > 0);
        Assert.True(victim.Table.Count <= victim.Table.BucketCount * victim.Table.K);
        Assert.True(victim.QueriesInFlight <= DhtCore.MaxJoinPings, $"{victim.QueriesInFlight} pings in flight"); // no reflection at the flood's rate

        net.RunUntil(() => false, TimeSpan.FromSeconds(11)); // the flood took ten seconds
        var asker = net.Nodes[30];
        var id = asker.Core.FindNode(victim.Id, net.Now);
        Assert.True(net.RunUntil(() => asker.Done.ContainsKey(id), TimeSpan.FromMinutes(2)));
        Assert.Contains(victim.Id, asker.Done[id].Closest.Select(c => c.Id));
    }
}
