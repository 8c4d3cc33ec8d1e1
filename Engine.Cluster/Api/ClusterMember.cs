namespace Engine.Cluster.Api;

/// <summary>
/// A member of the cluster as one node sees it: its address, whether it is Up (joined; not joining or leaving) and
/// whether this node can reach it. Placement counts the Up, reachable ones; an unreachable member is downed by the
/// split-brain resolver after <see cref="TorrentClusterOptions.DownUnreachableAfter"/> and then leaves the list.
/// </summary>
public sealed record ClusterMember(string Address, bool IsUp, bool IsReachable)
{
    /// <summary>Holds replicas: Up and reachable.</summary>
    public bool HoldsReplicas => IsUp && IsReachable;
}
