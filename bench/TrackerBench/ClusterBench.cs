using System.Diagnostics;
using System.Net;
using Engine.Cluster.Trackers;
using Engine.Core.Primitives;

namespace TrackerBench;

/// <summary>Our tracker alone against a three-node tracker cluster (three processes), the same UDP load.</summary>
internal static class ClusterBench
{
    private const string Secret = "the tracker bench's cluster secret";

    public static async Task<int> CompareAsync(InfoHash[] hashes, int clients, int window, int seconds)
    {
        Console.WriteLine($"load: {clients} client sockets x {window} announces in flight, {hashes.Length} torrents, {seconds} s per setup, {Environment.ProcessorCount} cores");
        double single, cluster;
        await using (var alone = await Servers.StartOursAsync())
        {
            await Load.RunAsync(alone.Endpoint, hashes, clients, window, TimeSpan.FromSeconds(1));
            var r = await Load.RunAsync(alone.Endpoint, hashes, clients, window, TimeSpan.FromSeconds(seconds));
            single = r.PerSecond;
            Console.WriteLine($"{"one node",-16} {r.PerSecond,10:N0} announces/s  ({r.Answers:N0} answers, {r.Errors:N0} errors, {r.Stalls:N0} stalls, cpu {alone.CpuSeconds():0.0} s)");
        }
        var nodes = new List<TrackerProcess>();
        try
        {
            var udp = Enumerable.Range(0, 3).Select(_ => Servers.FreeUdpPort()).ToArray();
            var ports = Enumerable.Range(0, 3).Select(_ => Servers.FreeUdpPort()).ToArray();
            for (var i = 0; i < 3; i++)
                nodes.Add(Servers.StartSelf(["serve-cluster", udp[i].ToString(), ports[i].ToString(), "3", .. i == 0 ? Array.Empty<string>() : [ports[0].ToString()]],
                    new IPEndPoint(IPAddress.Loopback, udp[i])));
            foreach (var n in nodes) await n.WaitReadyAsync(TimeSpan.FromSeconds(60));
            var endpoints = nodes.Select(n => n.Endpoint).ToList();
            await Load.RunAsync(endpoints, hashes, clients, window, TimeSpan.FromSeconds(3)); // warm-up: every shard placed
            var r = await Load.RunAsync(endpoints, hashes, clients, window, TimeSpan.FromSeconds(seconds));
            cluster = r.PerSecond;
            Console.WriteLine($"{"three nodes",-16} {r.PerSecond,10:N0} announces/s  ({r.Answers:N0} answers, {r.Errors:N0} errors, {r.Stalls:N0} stalls, cpu {nodes.Sum(n => n.CpuSeconds()):0.0} s)");
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
        }
        Console.WriteLine($"three nodes / one node: {cluster / single:0.00}");
        return single > 0 && cluster > 0 ? 0 : 1;
    }

    /// <summary>A node: UDP on <paramref name="udpPort"/>; READY once <paramref name="nodes"/> members are Up. Runs until stdin closes.</summary>
    public static async Task<int> ServeAsync(int udpPort, int clusterPort, int nodes, int? seedPort)
    {
        await using var node = TrackerCluster.Start(new TrackerClusterOptions
        {
            Port = clusterPort,
            Seeds = seedPort is { } s ? ["127.0.0.1:" + s] : [],
            Secret = Secret,
            Udp = new IPEndPoint(IPAddress.Loopback, udpPort),
        });
        var clock = Stopwatch.StartNew();
        while (node.UpMembers < nodes && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        Console.WriteLine(node.UpMembers >= nodes ? "READY" : $"only {node.UpMembers} members Up");
        await Console.In.ReadLineAsync();
        return 0;
    }
}
