using System.Net;
using Engine.Cluster.Trackers;
using Engine.TrackerServer;

namespace Engine.Tests.Cluster.Trackers;

/// <summary>In-process tracker cluster nodes on 127.0.0.1 (free cluster, HTTP and UDP ports, one secret); stops every node still running.</summary>
internal sealed class TrackerClusterNodes : IAsyncDisposable
{
    public const string Secret = "a secret shared by the test cluster";

    private readonly List<TrackerCluster> _nodes = [];

    public IReadOnlyList<TrackerCluster> Nodes => _nodes;

    /// <summary>The split-brain resolver's stable time: how long a crashed node stays a member, unreachable.</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Starts <paramref name="count"/> nodes, the first a new cluster and the others joining it; returns once every node sees them all Up.</summary>
    public async Task StartAsync(int count, TimeSpan within)
    {
        for (var i = 0; i < count; i++) Add();
        await WaitAsync(() => _nodes.All(n => n.UpMembers == count), within, $"{count} tracker nodes Up on every node");
    }

    public TrackerCluster Add(string secret = Secret) => Add(new TrackerClusterOptions
    {
        Port = 0,
        Seeds = _nodes.Count == 0 ? [] : ["127.0.0.1:" + _nodes[0].Port],
        Secret = secret,
        Http = new IPEndPoint(IPAddress.Loopback, 0),
        Udp = new IPEndPoint(IPAddress.Loopback, 0),
        Shards = 16,
        AskTimeout = TimeSpan.FromSeconds(2),
        DownUnreachableAfter = DownAfter,
        Tracker = new TrackerOptions { MaxTorrentFileBytes = 64 * 1024 },
    });

    private TrackerCluster Add(TrackerClusterOptions options)
    {
        var node = TrackerCluster.Start(options);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Polls <paramref name="done"/> every 100 ms until it holds; throws after <paramref name="within"/>.</summary>
    public static async Task WaitAsync(Func<bool> done, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {within.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            try { await node.StopAsync().WaitAsync(TimeSpan.FromSeconds(20)); }
            catch (TimeoutException) { } // the test has its answer; a slow leave is not its failure
        }
    }
}
