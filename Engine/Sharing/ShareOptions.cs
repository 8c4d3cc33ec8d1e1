namespace Engine.Sharing;

/// <summary>Settings of a shared directory (<see cref="SharedDirectory"/>).</summary>
public sealed record ShareOptions
{
    /// <summary>The directory whose top-level files are shared, and where fetched files go.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Where the share keeps its index, its .torrent files and the engine's resume records; null: <c>&lt;dir&gt;/.share-state</c>
    /// (so that the directory carries its state along). The console host keeps it under its own state directory instead.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>Announce URLs put in the torrents made here, one tier each. The first http(s) one also serves the catalog (publish, fetch).</summary>
    public required IReadOnlyList<string> Trackers { get; init; }

    /// <summary>A file is made into a torrent once it was last written this long ago and seen unchanged by two scans.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Rescan period, besides the file-system watcher (which may miss events, e.g. on network file systems).</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Share the directory's own files. Off for <c>fetch --once</c>: only the fetched file is handled.</summary>
    public bool ShareFiles { get; init; } = true;

    /// <summary>Fetch everything published in the catalog that the directory does not have (a mirror of the swarm).</summary>
    public bool Follow { get; init; }

    public TimeSpan FollowInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often fetches are checked for completion.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Piece length of the torrents made here; null picks one by size.</summary>
    public int? PieceLength { get; init; }

    /// <summary>Bound on each catalog, .torrent and publish request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The tracker's publish token, when publishing from an address it does not allow (docs/tracker.md); null: none.</summary>
    public string? PublishToken { get; init; }

    /// <summary>The catalog's root URL (from the first http(s) tracker), or null.</summary>
    public Uri? CatalogUri
    {
        get
        {
            foreach (var t in Trackers)
                if (TrackerCatalogClient.BaseUriFor(t) is { } uri) return uri;
            return null;
        }
    }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory)) throw new ShareException("a shared directory is needed");
        if (Trackers.Count == 0) throw new ShareException("a shared directory needs a tracker (--tracker <url>)");
        if (QuietPeriod < TimeSpan.Zero || ScanInterval <= TimeSpan.Zero || FollowInterval <= TimeSpan.Zero || ProgressInterval <= TimeSpan.Zero)
            throw new ShareException("the quiet period must not be negative and the intervals must be positive");
    }
}
