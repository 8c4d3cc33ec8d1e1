namespace Engine.Torrents;

/// <summary>Where a torrent is in its life.</summary>
public enum TorrentState
{
    /// <summary>Loading resume state or hash-checking existing data.</summary>
    Checking,
    Downloading,
    Seeding,
    Stopping,
    Stopped,
    /// <summary>Storage failed (e.g. the disk is full); peers are disconnected, data kept as it was.</summary>
    Error,
    /// <summary>No peers, no tracker announces; storage and progress are kept (see <see cref="TorrentActor.Pause"/>).</summary>
    Paused,
    /// <summary>A magnet link's metadata is being fetched (reported by the metadata fetcher, before there is a torrent actor).</summary>
    FetchingMetadata,
}
