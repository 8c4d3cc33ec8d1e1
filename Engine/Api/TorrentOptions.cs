namespace Engine.Api;

/// <summary>Options of one torrent when it is added. Immutable.</summary>
public sealed record TorrentOptions
{
    /// <summary>Add the torrent paused: its data is checked, but no peer is contacted until it is resumed.</summary>
    public bool StartPaused { get; init; }

    /// <summary>Keep this torrent in the engine's session (<see cref="TorrentEngineOptions.Session"/>); false: forgotten when the engine stops.</summary>
    public bool Remember { get; init; } = true;

    /// <summary>This torrent's own upload limit in bytes per second (the engine's applies too); null for none.</summary>
    public long? UploadLimit { get; init; }

    /// <summary>This torrent's own download limit in bytes per second; null for none.</summary>
    public long? DownloadLimit { get; init; }

    /// <summary>
    /// The files' priorities, by file index (padding files count); files past the list are <see cref="FilePriority.Normal"/>.
    /// Null: every file normal (or, for a magnet link with <c>so=</c>, the files it selects).
    /// </summary>
    public IReadOnlyList<FilePriority>? FilePriorities { get; init; }

    /// <summary>Download pieces in order (within a priority level) instead of rarest first; see <see cref="TorrentHandle.SetSequentialAsync"/>.</summary>
    public bool Sequential { get; init; }

    /// <summary>
    /// Use the torrent's web seeds (BEP 19 <c>url-list</c>, a magnet's <c>ws=</c>) as sources; false: never contact them
    /// (only BitTorrent peers). The engine-wide <see cref="TorrentEngineOptions.WebSeeds"/> off turns them off for every torrent.
    /// </summary>
    public bool WebSeeds { get; init; } = true;

    internal void Validate()
    {
        if (FilePriorities is not null)
            foreach (var p in FilePriorities)
                if (!Enum.IsDefined(p)) throw new ArgumentException($"{nameof(FilePriorities)}: {(int)p} is not a priority");
        if (UploadLimit is <= 0)
            throw new ArgumentException($"{nameof(UploadLimit)} must be positive (or null for none), got {UploadLimit}");
        if (DownloadLimit is <= 0)
            throw new ArgumentException($"{nameof(DownloadLimit)} must be positive (or null for none), got {DownloadLimit}");
    }
}
