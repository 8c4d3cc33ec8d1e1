using Engine.Core.Primitives;

namespace Engine.Cluster.Api;

/// <summary>
/// A torrent of the cluster's catalog as one node sees it: the nodes placement gives it (<see cref="PlacedOn"/>, as
/// many as <see cref="Replicas"/> asks and there are nodes) and the replicas nodes report (<see cref="Holders"/>,
/// which during a move can include a node that is handing over).
/// </summary>
public sealed record ClusterTorrent(
    InfoHash InfoHash,
    string Name,
    long TotalBytes,
    int Replicas,
    IReadOnlyList<string> PlacedOn,
    IReadOnlyList<ReplicaStatus> Holders)
{
    /// <summary>Paused from some node: every replica pauses, and a replica made on another node later starts paused.</summary>
    public bool IsPaused { get; init; }

    /// <summary>Each replica's own upload limit in bytes/s (the catalog's, applied by whichever node holds it); null: none.</summary>
    public long? UploadLimit { get; init; }

    /// <summary>Each replica's own download limit in bytes/s; null: none.</summary>
    public long? DownloadLimit { get; init; }

    /// <summary>The files' priorities set in the catalog, by file index; files past the list (all, when empty) are normal.</summary>
    public IReadOnlyList<Engine.Api.FilePriority> FilePriorities { get; init; } = [];

    /// <summary>
    /// The torrent's files from its .torrent (padding files left out), each with its index and the catalog's priority;
    /// their progress is 0 (a replica's own progress is its node's engine's).
    /// </summary>
    public IReadOnlyList<Engine.Api.FileSnapshot> Files { get; init; } = [];

    /// <summary>How many nodes hold every piece.</summary>
    public int CompleteReplicas => Holders.Count(h => h.IsComplete);
}
