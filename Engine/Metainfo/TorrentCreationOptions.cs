namespace Engine.Metainfo;

/// <summary>Settings for <see cref="TorrentCreator"/>. Everything is optional.</summary>
public sealed record TorrentCreationOptions
{
    /// <summary>Tracker URLs: the first becomes <c>announce</c>, each one its own <c>announce-list</c> tier.</summary>
    public IReadOnlyList<string> Trackers { get; init; } = [];

    /// <summary>BEP 19 web seeds (<c>url-list</c>).</summary>
    public IReadOnlyList<string> WebSeeds { get; init; } = [];

    /// <summary>A power of two from 16 KiB to 64 MiB; null picks one by size (<see cref="TorrentCreator.DefaultPieceLength"/>).</summary>
    public int? PieceLength { get; init; }

    public bool IsPrivate { get; init; }

    public string? Comment { get; init; }

    public string CreatedBy { get; init; } = TorrentCreator.DefaultCreatedBy;

    /// <summary>When null, "now" is written; set <see cref="OmitCreationDate"/> to leave it out.</summary>
    public DateTimeOffset? CreationDate { get; init; }

    public bool OmitCreationDate { get; init; }

    /// <summary>
    /// Make a BEP 52 hybrid (v1 + v2: padding files between files, <c>meta version</c> 2, <c>file tree</c>,
    /// <c>piece layers</c>), as libtorrent's create_torrent does by default. False (the default) makes a v1 torrent.
    /// </summary>
    public bool Hybrid { get; init; }

    /// <summary>
    /// Make a BEP 52 v2-only torrent (<c>meta version</c> 2, <c>file tree</c>, <c>piece layers</c>; no v1 <c>pieces</c>,
    /// no padding files): v1-only clients cannot read it. Not with <see cref="Hybrid"/>.
    /// </summary>
    public bool V2Only { get; init; }

    /// <summary>Hashing threads; null means one per core.</summary>
    public int? MaxParallelism { get; init; }
}
