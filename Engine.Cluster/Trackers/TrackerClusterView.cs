using System.Text.Json;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Engine.Cluster.Trackers;

/// <summary>
/// What <c>/api/tracker-cluster</c> and the tracker's page show: the members one node sees (status, reachable) and, for
/// each, the shards running there with their swarms, peers, published files and the announces they answered since they
/// started there. Built from the shards' answers; pure but for <see cref="Members"/>.
/// </summary>
internal sealed record TrackerClusterView(string Self, int ShardCount, int ShardsAnswered, IReadOnlyList<TrackerClusterView.Node> Nodes)
{
    public sealed record Member(string Address, string Status, bool Reachable);

    public sealed record Node(string Address, string Status, bool Reachable, IReadOnlyList<SwarmShard.ShardStats> Shards)
    {
        public long Announces => Shards.Sum(s => s.Announces);
    }

    /// <summary>The members of <paramref name="cluster"/>'s current state, and this node's address.</summary>
    public static (string Self, IReadOnlyList<Member> Members) Members(AkkaCluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        return (cluster.SelfAddress.ToString(), [.. state.Members.Select(m => new Member(m.Address.ToString(), m.Status.ToString(), !unreachable.Contains(m.Address)))]);
    }

    /// <summary>Members by address, each with its shards by number; a shard on a node not among the members gets an entry of its own ("unknown").</summary>
    public static TrackerClusterView Of(string self, int shardCount, IReadOnlyList<Member> members, IReadOnlyList<SwarmShard.ShardStats> stats)
    {
        var byNode = stats.GroupBy(s => s.Node).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Shard).ToList());
        var nodes = members.Select(m => new Node(m.Address, m.Status, m.Reachable, byNode.GetValueOrDefault(m.Address) ?? [])).ToList();
        foreach (var (address, shards) in byNode)
            if (!members.Any(m => m.Address == address)) nodes.Add(new Node(address, "Unknown", false, shards));
        nodes.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
        return new TrackerClusterView(self, shardCount, stats.Count, nodes);
    }

    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("self", Self);
            w.WriteNumber("shards", ShardCount);
            w.WriteNumber("shardsAnswered", ShardsAnswered);
            w.WriteStartArray("members");
            foreach (var n in Nodes) WriteNode(w, n);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private void WriteNode(Utf8JsonWriter w, Node n)
    {
        w.WriteStartObject();
        w.WriteString("address", n.Address);
        w.WriteString("status", n.Status);
        w.WriteBoolean("reachable", n.Reachable);
        w.WriteBoolean("self", n.Address == Self);
        w.WriteNumber("swarms", n.Shards.Sum(s => s.Swarms));
        w.WriteNumber("peers", n.Shards.Sum(s => s.Peers));
        w.WriteNumber("published", n.Shards.Sum(s => s.Published));
        w.WriteNumber("announces", n.Announces);
        w.WriteStartArray("shards");
        foreach (var s in n.Shards)
        {
            w.WriteStartObject();
            w.WriteNumber("shard", s.Shard);
            w.WriteNumber("swarms", s.Swarms);
            w.WriteNumber("peers", s.Peers);
            w.WriteNumber("published", s.Published);
            w.WriteNumber("announces", s.Announces);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
