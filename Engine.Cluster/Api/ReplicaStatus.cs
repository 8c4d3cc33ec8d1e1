using Engine.Events;

namespace Engine.Cluster.Api;

/// <summary>
/// One node's replica of a cluster torrent: which node, how many of the torrent's pieces it has verified, and (as the
/// node last published them, every <see cref="TorrentClusterOptions.RefreshInterval"/>) its state and rates.
/// </summary>
public sealed record ReplicaStatus(string Node, int VerifiedPieces, int PieceCount)
{
    /// <summary>Every piece verified: the node seeds the torrent.</summary>
    public bool IsComplete => PieceCount > 0 && VerifiedPieces == PieceCount;

    /// <summary>The replica's state on its node's engine (<see cref="TorrentState.Paused"/> once a pause reached it).</summary>
    public TorrentState State { get; init; }

    /// <summary>Bytes/s the replica downloads.</summary>
    public long DownloadRate { get; init; }

    /// <summary>Bytes/s the replica uploads.</summary>
    public long UploadRate { get; init; }
}
