using Engine.Api;
using Engine.Cluster.Formation;
using System.Net;

namespace Engine.Cluster.Api;

/// <summary>Options of one node of a <see cref="TorrentCluster"/>. Immutable; change with <c>with</c>.</summary>
public sealed record TorrentClusterOptions
{
    /// <summary>The address the node's cluster port binds to and the others reach it at.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The cluster port (Akka.Remote); 0: a free port (<see cref="TorrentCluster.Node"/> tells which).</summary>
    public int Port { get; init; } = 4053;

    /// <summary>
    /// Seed nodes as <c>host:port</c> (their cluster ports). Empty: this node starts a new cluster by joining itself
    /// (unless <see cref="Discovery"/> finds the others). Every node should list the same seeds, the first of them started first.
    /// </summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Where the node keeps its replicas (one directory per info-hash) and, unless <see cref="Engine"/> says otherwise, its engine state.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Replicas of a torrent added without saying (R); never more than the node count.</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>
    /// The node's engine (its listener, DHT, limits). Null: listen on <see cref="Host"/> at a free port, state under
    /// <see cref="DataDirectory"/>/state, no session (the cluster's catalog is the session).
    /// </summary>
    public TorrentEngineOptions? Engine { get; init; }

    /// <summary>Where the other nodes reach this node's engine; null: the engine's listen endpoint (with <see cref="Host"/> for a wildcard address).</summary>
    public IPEndPoint? AdvertisedEndPoint { get; init; }

    /// <summary>
    /// Members that must have joined before any is moved Up (Akka's <c>min-nr-of-members</c>): placement counts only Up
    /// members, so a cluster started with its size here places every torrent once, on its final nodes, instead of moving
    /// replicas while the nodes come in one by one.
    /// </summary>
    public int MinMembers { get; init; } = 1;

    /// <summary>How long the members' reachability must be stable before the split-brain resolver (keep-majority) downs the unreachable side.</summary>
    public TimeSpan DownUnreachableAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the node publishes its replicas' progress and gives its torrents the other replicas' endpoints again.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where this node keeps the cluster's catalog on disk (a file per replicated key, written before an add or remove is acknowledged), so that the torrents
    /// survive a restart of every node; null: in memory only (a cluster that loses all its nodes loses its catalog).
    /// One directory per node, not shared.
    /// </summary>
    public string? DurableCatalogDirectory { get; init; }

    /// <summary>
    /// False: the node joins nothing, neither the seeds nor itself; something else does (Akka.Management's Cluster
    /// Bootstrap added to an Akka.Hosting app's builder, docs/cluster-discovery.md). Needs empty <see cref="Seeds"/>.
    /// </summary>
    public bool Join { get; init; } = true;

    /// <summary>
    /// Find the other nodes through Akka.Discovery instead of <see cref="Seeds"/> (docs/cluster-discovery.md): the
    /// node looks the service up, probes its contact points and joins the cluster one of them is in, or forms it when it
    /// is the lowest contact point answering. Null: static seeds.
    /// </summary>
    public ClusterDiscoveryOptions? Discovery { get; init; }

    internal void Validate()
    {
        if (MinMembers < 1) throw new ArgumentException($"{nameof(MinMembers)} must be at least 1, got {MinMembers}");
        if (Replicas < 1) throw new ArgumentException($"{nameof(Replicas)} must be at least 1, got {Replicas}");
        if (Port is < 0 or > 65535) throw new ArgumentException($"{nameof(Port)} must be 0..65535, got {Port}");
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new ArgumentException($"{nameof(DataDirectory)} is required");
        if (DurableCatalogDirectory is not null && string.IsNullOrWhiteSpace(DurableCatalogDirectory)) throw new ArgumentException($"{nameof(DurableCatalogDirectory)} must name a directory (or be null)");
        if (!Join && Seeds.Count > 0) throw new ArgumentException($"{nameof(Join)} = false joins nothing: give no {nameof(Seeds)}");
        if (Discovery is not null && (Seeds.Count > 0 || !Join)) throw new ArgumentException($"{nameof(Discovery)} finds the nodes to join: give no {nameof(Seeds)}, and leave {nameof(Join)} true");
        Discovery?.Validate();
        if (RefreshInterval <= TimeSpan.Zero) throw new ArgumentException($"{nameof(RefreshInterval)} must be positive");
    }
}
