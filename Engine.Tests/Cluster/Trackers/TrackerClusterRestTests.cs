using System.Diagnostics;
using System.Text.Json;
using Engine.Cluster.Trackers;
using Engine.Core.Trackers;
using Xunit.Abstractions;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Cluster.Trackers;

/// <summary><c>/api/tracker-cluster</c> over three nodes in this process: members, reachability, each node's shards and announces.</summary>
public sealed class TrackerClusterRestTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TrackerClusterNodes _cluster = new() { DownAfter = TimeSpan.FromSeconds(10) }; // a crashed node stays listed, unreachable, that long
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task InitializeAsync() => _cluster.StartAsync(3, Bound);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<JsonElement> ViewAsync(TrackerCluster node) =>
        JsonDocument.Parse(await _http.GetStringAsync($"http://{node.HttpEndPoint}/api/tracker-cluster")).RootElement;

    private static IEnumerable<JsonElement> Members(JsonElement view) => view.GetProperty("members").EnumerateArray();

    private static long Sum(JsonElement view, string field) => Members(view).Sum(m => m.GetProperty(field).GetInt64());

    [Fact]
    public async Task Any_node_shows_every_member_and_the_swarms_and_announces_of_every_shard()
    {
        var nodes = _cluster.Nodes;
        for (var t = 0; t < 8; t++)
        {
            await _http.GetByteArrayAsync(HttpTrackerCodec.BuildAnnounceUri(nodes[t % 3].HttpAnnounceUrl!, Announce(Hash(500 + t), 1)));
            await _http.GetByteArrayAsync(HttpTrackerCodec.BuildAnnounceUri(nodes[(t + 1) % 3].HttpAnnounceUrl!, Announce(Hash(500 + t), 2)));
        }

        var view = await ViewAsync(nodes[2]);
        Assert.Equal(nodes[2].Node, view.GetProperty("self").GetString());
        Assert.Equal(16, view.GetProperty("shardsAnswered").GetInt32());
        Assert.Equal(nodes.Select(n => n.Node).Order(StringComparer.Ordinal), Members(view).Select(m => m.GetProperty("address").GetString()));
        Assert.All(Members(view), m => Assert.Equal(("Up", true), (m.GetProperty("status").GetString(), m.GetProperty("reachable").GetBoolean())));
        Assert.Single(Members(view), m => m.GetProperty("self").GetBoolean());
        Assert.Equal((8, 16, 16), (Sum(view, "swarms"), Sum(view, "peers"), Sum(view, "announces")));
        var shards = Members(view).SelectMany(m => m.GetProperty("shards").EnumerateArray()).Select(s => s.GetProperty("shard").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, 16), shards.Order()); // every shard once, on one node
        Assert.All(Members(view), m => Assert.NotEqual(0, m.GetProperty("shards").GetArrayLength())); // spread over the three
    }

    [Fact]
    public async Task A_crashed_node_is_shown_unreachable_then_gone_and_its_shards_on_the_others()
    {
        var (a, b) = (_cluster.Nodes[0], _cluster.Nodes[1]);
        await ViewAsync(b); // every shard started
        await a.ClusterSystem.Terminate();
        var clock = Stopwatch.StartNew();

        var seenUnreachable = false;
        JsonElement view;
        while (true)
        {
            view = await ViewAsync(b);
            var crashed = Members(view).Where(m => m.GetProperty("address").GetString() == a.Node).ToList();
            if (crashed is [var m] && !m.GetProperty("reachable").GetBoolean())
            {
                if (!seenUnreachable) output.WriteLine($"unreachable after {clock.Elapsed.TotalSeconds:0.0} s");
                seenUnreachable = true;
            }
            if (crashed.Count == 0 && view.GetProperty("shardsAnswered").GetInt32() == 16) break;
            Assert.True(clock.Elapsed < Bound, $"the crashed node still listed, or shards unanswered, after {Bound.TotalSeconds:0} s: {view}");
            await Task.Delay(200);
        }
        output.WriteLine($"gone and every shard answering after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(seenUnreachable, "the crashed node was never shown unreachable");
        Assert.Equal(2, Members(view).Count());
        Assert.Equal(16, Members(view).Sum(m => m.GetProperty("shards").GetArrayLength()));
    }
}
