using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Trackers;
using Engine.TrackerServer;

namespace TrackerBench;

/// <summary>
/// UDP announces per second of our tracker against opentracker on loopback, same run, same load: a few client
/// sockets each keep a window of announces in flight (random torrent from a pool, random peer), for a fixed time.
/// Both trackers run as separate processes so the load generator does not share a process with either.
/// With <c>--cluster</c> it compares our tracker alone with a tracker cluster of three nodes (three processes on this
/// machine, the clients spread over them): what sharding costs per announce.
/// usage: TrackerBench [--seconds 5] [--clients 4] [--window 32] [--hashes 1000] [--cluster]
///        TrackerBench serve &lt;udp-port&gt;   (our tracker; the bench starts this itself)
///        TrackerBench serve-cluster &lt;udp-port&gt; &lt;cluster-port&gt; &lt;nodes&gt; [seed-port]   (a cluster node)
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["serve", var port]) return await ServeAsync(int.Parse(port));
        if (args is ["serve-cluster", var udp, var clusterPort, var nodes, .. var seed])
            return await ClusterBench.ServeAsync(int.Parse(udp), int.Parse(clusterPort), int.Parse(nodes), seed.Length > 0 ? int.Parse(seed[0]) : null);
        var seconds = Option(args, "--seconds", 5);
        var clients = Option(args, "--clients", 4);
        var window = Option(args, "--window", 32);
        var hashCount = Option(args, "--hashes", 1000);
        var rng = new Random(1);
        var hashes = Enumerable.Range(0, hashCount).Select(_ =>
        {
            var b = new byte[20];
            rng.NextBytes(b);
            return InfoHash.FromBytes(b);
        }).ToArray();

        if (args.Contains("--cluster")) return await ClusterBench.CompareAsync(hashes, clients, window, seconds);
        Console.WriteLine($"load: {clients} client sockets x {window} announces in flight, {hashCount} torrents, {seconds} s per tracker, {Environment.ProcessorCount} cores");
        var results = new List<(string Name, Load.Result Result)>();
        foreach (var target in new[] { "ours", "opentracker" })
        {
            if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the bench runs opentracker: Linux only");
            await using var tracker = target == "ours" ? await Servers.StartOursAsync() : await Servers.StartOpentrackerAsync(hashes);
            await Load.RunAsync(tracker.Endpoint, hashes, clients, window, TimeSpan.FromSeconds(1)); // warm-up
            var result = await Load.RunAsync(tracker.Endpoint, hashes, clients, window, TimeSpan.FromSeconds(seconds));
            results.Add((target, result));
            Console.WriteLine($"{target,-12} {result.PerSecond,10:N0} announces/s  ({result.Answers:N0} answers, {result.Errors:N0} errors, {result.Stalls:N0} stalls, cpu {tracker.CpuSeconds():0.0} s)");
        }
        return results.All(r => r.Result.Answers > 0) ? 0 : 1;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }

    private static async Task<int> ServeAsync(int port)
    {
        await using var tracker = new TrackerServer(new TrackerOptions());
        await tracker.StartAsync(null, new IPEndPoint(IPAddress.Loopback, port));
        Console.WriteLine("READY");
        await Console.In.ReadLineAsync(); // runs until stdin closes
        return 0;
    }
}
