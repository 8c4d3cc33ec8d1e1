using Engine.Cluster.Api;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Cluster.Api;

/// <summary>A cluster of in-process nodes on 127.0.0.1 (free cluster and peer ports, a directory each); stops every node still running.</summary>
internal sealed class ClusterTestNodes : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly List<TorrentCluster> _nodes = new();

    public ClusterTestNodes(TempDir dir) => _dir = dir;

    public IReadOnlyList<TorrentCluster> Nodes => _nodes;

    /// <summary>Nodes keep the catalog on disk, in node-i-catalog (the same directory for the same index in another instance).</summary>
    public bool DurableCatalog { get; init; }

    public string DataOf(TorrentCluster node) => _dir.Sub("node-" + _nodes.IndexOf(node));

    /// <summary>Starts <paramref name="count"/> nodes, the first joining itself and the others it; returns once every node sees them all Up.</summary>
    public async Task StartAsync(int count, TimeSpan within)
    {
        for (var i = 0; i < count; i++) Add();
        await WaitForMembersAsync(within);
    }

    /// <summary>Starts one more node, joining the first (or itself when it is the first).</summary>
    public TorrentCluster Add()
    {
        var i = _nodes.Count;
        var options = new TorrentClusterOptions
        {
            Port = 0,
            DataDirectory = _dir.Sub("node-" + i),
            Seeds = i == 0 ? [] : ["127.0.0.1:" + _nodes[0].Port],
            Engine = ApiTestEngines.Options(_dir.Sub($"node-{i}-state")),
            DownUnreachableAfter = TimeSpan.FromSeconds(3),
            RefreshInterval = TimeSpan.FromMilliseconds(500),
            DurableCatalogDirectory = DurableCatalog ? _dir.Sub($"node-{i}-catalog") : null,
        };
        var node = TorrentCluster.Start(options);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Waits until every node sees every node Up.</summary>
    public Task WaitForMembersAsync(TimeSpan within) => WaitAsync(async () =>
    {
        foreach (var node in _nodes)
            if ((await node.GetMembersAsync()).Count != _nodes.Count) return false;
        return true;
    }, within, $"{_nodes.Count} nodes Up on every node");

    /// <summary>
    /// Polls <paramref name="done"/> every 100 ms until it holds; throws after <paramref name="within"/>, with what
    /// <paramref name="state"/> says of the last poll when given.
    /// </summary>
    public static async Task WaitAsync(Func<Task<bool>> done, TimeSpan within, string what, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what} did not happen within {within.TotalSeconds:0} s{(state is null ? "" : ": " + state())}");
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
