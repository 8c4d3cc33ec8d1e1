using System.Text.Json;
using Engine.Cluster.Trackers;
using static Engine.Cluster.Trackers.SwarmShard;

namespace Engine.Tests.Cluster.Trackers;

public sealed class TrackerClusterViewTests
{
    private const string A = "akka.tcp://tracker-cluster@127.0.0.1:1";
    private const string B = "akka.tcp://tracker-cluster@127.0.0.1:2";
    private const string Gone = "akka.tcp://tracker-cluster@127.0.0.1:3";

    [Fact]
    public void Each_member_lists_its_shards_in_order_with_their_sums()
    {
        var view = TrackerClusterView.Of(B, 4, [new(B, "Up", true), new(A, "Up", false)],
            [new ShardStats(3, A, 2, 5, 1, 40), new ShardStats(0, A, 1, 1, 0, 2), new ShardStats(1, B, 0, 0, 0, 0)]);
        Assert.Equal([A, B], view.Nodes.Select(n => n.Address));
        Assert.Equal([0, 3], view.Nodes[0].Shards.Select(s => s.Shard));
        Assert.Equal(42, view.Nodes[0].Announces);
        Assert.Equal(3, view.ShardsAnswered);

        var json = JsonDocument.Parse(view.ToJson()).RootElement;
        Assert.Equal(B, json.GetProperty("self").GetString());
        Assert.Equal(4, json.GetProperty("shards").GetInt32());
        var a = json.GetProperty("members")[0];
        Assert.False(a.GetProperty("reachable").GetBoolean());
        Assert.False(a.GetProperty("self").GetBoolean());
        Assert.Equal((3, 6, 1, 42), (a.GetProperty("swarms").GetInt32(), a.GetProperty("peers").GetInt32(), a.GetProperty("published").GetInt32(), a.GetProperty("announces").GetInt32()));
        Assert.Equal(40, a.GetProperty("shards")[1].GetProperty("announces").GetInt64());
        Assert.True(json.GetProperty("members")[1].GetProperty("self").GetBoolean());
    }

    [Fact]
    public void A_shard_on_a_node_no_longer_a_member_is_still_shown_under_that_node()
    {
        var view = TrackerClusterView.Of(A, 2, [new(A, "Up", true)], [new ShardStats(1, Gone, 1, 1, 0, 1)]);
        var gone = Assert.Single(view.Nodes, n => n.Address == Gone);
        Assert.Equal(("Unknown", false), (gone.Status, gone.Reachable));
        Assert.Empty(view.Nodes.Single(n => n.Address == A).Shards);
    }
}
