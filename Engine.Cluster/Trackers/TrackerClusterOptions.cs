using System.Net;
using Engine.Core.Cluster;
using Engine.Cluster.Formation;
using Engine.Core.Trackers;
using Engine.TrackerServer;

namespace Engine.Cluster.Trackers;

/// <summary>One node of a tracker cluster: where it joins, what it serves, the shared secret.</summary>
public sealed record TrackerClusterOptions
{
    /// <summary>The address the cluster port binds and other nodes reach this one at.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The cluster port (Akka.Remote); 0 picks a free one.</summary>
    public int Port { get; init; } = 4054;

    /// <summary>Seed nodes as <c>host:port</c>; none: this node starts a new cluster (unless <see cref="Discovery"/> finds the others).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Find the other nodes through Akka.Discovery instead of <see cref="Seeds"/> (docs/cluster-discovery.md); null: static seeds.</summary>
    public ClusterDiscoveryOptions? Discovery { get; init; }

    /// <summary>
    /// The secret every node of the cluster is given (16 characters or more): UDP connection ids are derived from it, so
    /// an id one node issued is accepted by all.
    /// </summary>
    public string Secret { get; init; } = "";

    /// <summary>Where this node serves HTTP announces and the catalog (null: no HTTP).</summary>
    public IPEndPoint? Http { get; init; }

    /// <summary>Where this node serves UDP announces (null: no UDP).</summary>
    public IPEndPoint? Udp { get; init; }

    /// <summary>The tracker's settings, the same on every node; the caps are the cluster's, shared among the shards.</summary>
    public TrackerOptions Tracker { get; init; } = new();

    /// <summary>How long a node waits for the shard holding a torrent; then the announce gets a failure reason.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Shards the torrents are spread over (every node must use the same number).</summary>
    public int Shards { get; init; } = TrackerShards.DefaultCount;

    /// <summary>Members that must have joined before shards are placed.</summary>
    public int MinMembers { get; init; } = 1;

    /// <summary>How long an unreachable node stays before the split-brain resolver (keep-majority) downs it.</summary>
    public TimeSpan DownUnreachableAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Throws when a setting is out of range.</summary>
    public TrackerClusterOptions Validate()
    {
        if (Secret is null || Secret.Length < ConnectionIds.MinSecretLength)
            throw new ArgumentException($"a tracker cluster needs a secret of at least {ConnectionIds.MinSecretLength} characters (the same on every node)", nameof(Secret));
        if (Http is null && Udp is null) throw new ArgumentException("serve at least one of HTTP and UDP", nameof(Http));
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), "a port is within [0, 65535]");
        if (Shards is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(Shards), "shards are within [1, 10000]");
        if (AskTimeout <= TimeSpan.Zero || AskTimeout > TimeSpan.FromMinutes(1)) throw new ArgumentOutOfRangeException(nameof(AskTimeout), "the ask timeout is within (0, 1 min]");
        if (MinMembers < 1) throw new ArgumentOutOfRangeException(nameof(MinMembers), "at least one member");
        if (DownUnreachableAfter <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(DownUnreachableAfter), "must be positive");
        if (Discovery is not null && Seeds.Count > 0) throw new ArgumentException("discovery finds the nodes to join: give no seeds", nameof(Seeds));
        Discovery?.Validate();
        Tracker.Validate();
        return this;
    }
}
