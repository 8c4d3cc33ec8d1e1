namespace Engine.Events;

/// <summary>Where a torrent is in its life, as the public API reports it.</summary>
public enum TorrentState
{
    /// <summary>A magnet link whose metadata (the info dictionary) is being fetched from peers.</summary>
    FetchingMetadata,
    /// <summary>Loading the fast-resume state or hash-checking existing data.</summary>
    Checking,
    Downloading,
    /// <summary>Complete; uploading to others.</summary>
    Seeding,
    /// <summary>No peers and no tracker announces; files and progress are kept.</summary>
    Paused,
    Stopping,
    /// <summary>Stopped (files closed); <see cref="TorrentHandle.StartAsync"/> starts it again.</summary>
    Stopped,
    /// <summary>Failed (e.g. the disk is full); see <see cref="TorrentSnapshot.Error"/>.</summary>
    Error,
}
