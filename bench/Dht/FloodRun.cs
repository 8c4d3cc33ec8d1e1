using System.Diagnostics;
using System.Net;
using Engine.Core.Dht;
using Engine.Tests.Core.Dht;

namespace Engine.Bench.Dht;

/// <summary>
/// One node of a 50-node DHT (in this process, virtual time) first answers queries at 1000 a second from 2000 regular sources —
/// the CPU a query costs — then takes a flood of random queries ten times faster than its ration; its RSS is compared
/// with the start, and another node's lookup of it must still succeed.
/// </summary>
internal static class FloodRun
{
    public static bool Run(int count)
    {
        var net = new DhtSimulation(50, seed: 15);
        net.Bootstrap(TimeSpan.FromMinutes(5));
        var victim = net.Nodes[10].Core;
        var rng = new Random(16);
        Queries(victim, rng, 5_000, net.Now, perSecond: 1000); // warm-up: the JIT, the limiter's tables
        var start = net.Now + TimeSpan.FromSeconds(10);

        const int Steady = 50_000;
        var packets = Enumerable.Range(0, Steady).Select(i => (Packet: KrpcCodec.Encode(Query(rng, i)), From: Regular(rng))).ToArray(); // encoded beforehand: not counted
        var answeredBefore = victim.QueriesAnswered;
        var cpu = Measure.Cpu();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Steady; i++) victim.OnPacket(packets[i].Packet, packets[i].From, start + TimeSpan.FromMilliseconds(i));
        var perQuery = (Measure.Cpu() - cpu).TotalMicroseconds / Steady;
        var wall = clock.Elapsed.TotalMicroseconds / Steady;
        var answered = victim.QueriesAnswered - answeredBefore;
        Console.WriteLine($"queries: {Steady:N0} at 1000/s (virtual), {answered:N0} answered: {perQuery:0.0} µs CPU each ({wall:0.0} µs wall), " +
                          $"so 1000 queries/s cost {perQuery / 10:0.00} % of one core");

        var rss = Measure.SettledRss();
        var heap = Measure.Heap();
        packets = null;
        var floodStart = start + TimeSpan.FromSeconds(Steady / 1000 + 10);
        cpu = Measure.Cpu();
        var limitedBefore = victim.RateLimited;
        Queries(victim, rng, count, floodStart, perSecond: 10_000);
        var floodCpu = (Measure.Cpu() - cpu).TotalMicroseconds / count;
        var rssAfter = Measure.SettledRss();
        var heapAfter = Measure.Heap();
        var grew = rssAfter - rss;
        Console.WriteLine($"flood: {count:N0} random queries at 10 000/s (virtual): {victim.RateLimited - limitedBefore:N0} over the ration, " +
                          $"{floodCpu:0.0} µs CPU each; RSS {Measure.MiB(rss)} -> {Measure.MiB(rssAfter)} ({(grew >= 0 ? "+" : "")}{Measure.MiB(grew)}), " +
                          $"heap {Measure.MiB(heap)} -> {Measure.MiB(heapAfter)}; table {victim.Table.Count} nodes, store {victim.Store.PeerCount} peers");

        var asker = net.Nodes[30];
        net.RunUntil(() => false, floodStart + TimeSpan.FromSeconds(count / 10_000 + 1) - net.Now);
        var id = asker.Core.FindNode(victim.Id, net.Now);
        var found = net.RunUntil(() => asker.Done.ContainsKey(id), TimeSpan.FromMinutes(2)) && asker.Done[id].Closest.Any(c => c.Id.Equals(victim.Id));
        Console.WriteLine($"after the flood: a lookup of the flooded node {(found ? "finds it" : "FAILED to find it")}");
        var within = grew < 20 * 1048576;
        if (!within) Console.WriteLine("flood: FAILED, RSS grew by 20 MiB or more");
        return found && within;
    }

    /// <summary><paramref name="count"/> random queries from random sources, encoded as they go, with a tick a second.</summary>
    private static void Queries(DhtCore node, Random rng, int count, DateTimeOffset from, int perSecond)
    {
        var tick = from;
        for (var i = 0; i < count; i++)
        {
            var now = from + TimeSpan.FromTicks(TimeSpan.TicksPerSecond * i / perSecond);
            node.OnPacket(KrpcCodec.Encode(Query(rng, i)), Source(rng), now);
            if (now - tick >= TimeSpan.FromSeconds(1)) { node.OnTick(now); tick = now; }
        }
    }

    /// <summary>One of 2000 nodes that query us again and again, as a busy node's neighbours do.</summary>
    private static IPEndPoint Regular(Random rng) => new(new IPAddress([198, 19, (byte)rng.Next(8), (byte)rng.Next(250)]), 6881);

    private static IPEndPoint Source(Random rng) => new(new IPAddress([198, 18, (byte)rng.Next(256), (byte)rng.Next(256)]), rng.Next(1, 65535));

    /// <summary>Ping, find_node, get_peers or announce_peer (with a forged token), from a random id.</summary>
    private static KrpcQuery Query(Random rng, int i) => (i % 4) switch
    {
        0 => new PingQuery([(byte)i, (byte)(i >> 8)], NodeId.Random(rng)),
        1 => new FindNodeQuery([1], NodeId.Random(rng), NodeId.Random(rng)),
        2 => new GetPeersQuery([2], NodeId.Random(rng), NodeId.Random(rng).ToInfoHash()),
        _ => new AnnouncePeerQuery([3], NodeId.Random(rng), NodeId.Random(rng).ToInfoHash(), 1, false, [1, 2, 3, 4, 5, 6, 7, 8]),
    };
}
