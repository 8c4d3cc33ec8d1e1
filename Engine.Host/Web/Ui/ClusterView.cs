using System.Collections.Immutable;

namespace Engine.Host.Web.Ui;

/// <summary>
/// The cluster as the node serving the page sees it (also <c>GET /api/cluster</c>): its members and every torrent of
/// the catalog with the nodes holding a replica and how far each is.
/// </summary>
/// <param name="Self">The address of the node serving the page.</param>
public sealed record ClusterView(string Self, ImmutableList<NodeRow> Nodes, ImmutableList<ClusterTorrentRow> Torrents)
{
    public static ClusterView Empty(string self) => new(self, [], []);

    public ClusterTorrentRow? Find(string hash) => Torrents.Find(t => t.Hash == hash);
}

/// <summary>A member of the cluster: <paramref name="Status"/> is <c>up</c>, <c>joining</c> (or leaving) or <c>unreachable</c>.</summary>
public sealed record NodeRow(string Address, string Status, bool IsSelf)
{
    public const string Up = "up";
    public const string Joining = "joining";
    public const string Unreachable = "unreachable";

    /// <summary><c>host:port</c> of the address (<c>akka.tcp://torrent-cluster@host:port</c>).</summary>
    public string Short => Address[(Address.LastIndexOf('@') + 1)..];
}

/// <summary>
/// A torrent of the cluster: the replicas it wants (<paramref name="Replicas"/>), the nodes placement gives it
/// (<paramref name="PlacedOn"/>) and the replicas nodes report (<paramref name="Holders"/>).
/// </summary>
public sealed record ClusterTorrentRow(
    string Hash,
    string Name,
    long TotalBytes,
    int Replicas,
    bool IsPaused,
    ImmutableList<string> PlacedOn,
    ImmutableList<ReplicaRow> Holders)
{
    public int CompleteReplicas => Holders.Count(h => h.Progress >= 1);

    /// <summary>Each replica's own upload limit in bytes/s (the catalog's); null: none.</summary>
    public long? UploadLimit { get; init; }

    /// <summary>Each replica's own download limit in bytes/s; null: none.</summary>
    public long? DownloadLimit { get; init; }

    /// <summary>The files' priorities set in the catalog (skip, low, normal, high) by file index; files past the list are normal.</summary>
    public ImmutableList<string> FilePriorities { get; init; } = [];
}

/// <summary>One node's replica: its state (the engine's names: Checking, Downloading, Seeding, Paused…), progress 0..1 and rates (bytes/s).</summary>
public sealed record ReplicaRow(string Node, string State, double Progress, int VerifiedPieces, int PieceCount, long DownloadRate, long UploadRate)
{
    public string Short => Node[(Node.LastIndexOf('@') + 1)..];
}
