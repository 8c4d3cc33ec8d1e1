namespace Engine.Core.Dht;

/// <summary>Up to k nodes sharing a prefix with our id, plus a few replacements that answered while it was full.</summary>
internal sealed class RoutingBucket(DateTimeOffset now)
{
    public List<RoutingNode> Nodes { get; } = new();

    /// <summary>Nodes that answered while the bucket was full, newest last; they take the place of nodes that go bad.</summary>
    public List<DhtContact> Replacements { get; } = new();

    /// <summary>When a node last joined, answered or left: a bucket quiet for 15 minutes is refreshed with a lookup.</summary>
    public DateTimeOffset Changed { get; set; } = now;

    public RoutingNode? Find(NodeId id)
    {
        foreach (var n in Nodes) if (n.Contact.Id == id) return n;
        return null;
    }
}
