using System.Collections.Immutable;
using Engine.Cluster.Api;
using Engine.Events;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Cluster;

/// <summary>Maps what <see cref="TorrentCluster"/> answers onto the view records the page and <c>/api/cluster</c> share.</summary>
public static class ClusterViews
{
    /// <summary>Reads the members and the torrents of the cluster as <paramref name="node"/> sees them.</summary>
    public static async Task<ClusterView> ReadAsync(TorrentCluster node, CancellationToken ct = default)
    {
        var members = node.GetMemberListAsync(ct);
        var torrents = node.ListAsync(ct);
        await Task.WhenAll(members, torrents).ConfigureAwait(false);
        return new ClusterView(node.Node,
            (await members).Select(m => Node(m, node.Node)).ToImmutableList(),
            (await torrents).Select(Torrent).ToImmutableList());
    }

    public static NodeRow Node(ClusterMember m, string self) =>
        new(m.Address, !m.IsReachable ? NodeRow.Unreachable : m.IsUp ? NodeRow.Up : NodeRow.Joining, m.Address == self);

    public static ClusterTorrentRow Torrent(ClusterTorrent t) => new(
        t.InfoHash.ToHex(), t.Name, t.TotalBytes, t.Replicas, t.IsPaused, [.. t.PlacedOn], t.Holders.Select(Replica).ToImmutableList())
    {
        UploadLimit = t.UploadLimit,
        DownloadLimit = t.DownloadLimit,
        FilePriorities = t.FilePriorities.Select(EngineViews.PriorityName).ToImmutableList(),
    };

    public static ReplicaRow Replica(ReplicaStatus r) => new(r.Node, r.State.ToString(),
        r.PieceCount == 0 ? 0 : (double)r.VerifiedPieces / r.PieceCount, r.VerifiedPieces, r.PieceCount, r.DownloadRate, r.UploadRate);

    /// <summary>
    /// A cluster torrent as a line of the page's torrent list: the furthest replica's progress, the replicas' summed rates,
    /// as peers the replicas reported, and a state: Paused when paused, Seeding once a replica is complete, else the
    /// furthest replica's (Downloading before any reports).
    /// </summary>
    public static TorrentRow Row(ClusterTorrentRow t)
    {
        var best = t.Holders.OrderByDescending(h => h.Progress).FirstOrDefault();
        var progress = best?.Progress ?? 0;
        var state = t.IsPaused ? nameof(TorrentState.Paused)
            : progress >= 1 ? nameof(TorrentState.Seeding)
            : best?.State ?? nameof(TorrentState.Downloading);
        return new TorrentRow(t.Hash, t.Name, state, progress, t.TotalBytes, (long)(progress * t.TotalBytes),
            t.Holders.Sum(h => h.DownloadRate), t.Holders.Sum(h => h.UploadRate), t.Holders.Count, progress >= 1 ? 0 : null, "");
    }
}
