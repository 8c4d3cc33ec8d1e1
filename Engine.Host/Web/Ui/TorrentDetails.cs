using System.Collections.Immutable;

namespace Engine.Host.Web.Ui;

/// <summary>Everything shown for the selected torrent: files, peers, trackers, its piece map and its own limits (bytes/s, null: none).</summary>
public sealed record TorrentDetails(
    string Hash,
    ImmutableList<FileRow> Files,
    ImmutableList<PeerRow> Peers,
    ImmutableList<TrackerRow> Trackers,
    PieceMapView Pieces,
    long? UploadLimit = null,
    long? DownloadLimit = null);

/// <summary>A file of a torrent; <paramref name="Progress"/> is the verified fraction of its bytes.</summary>
public sealed record FileRow(string Path, long Length, double Progress)
{
    /// <summary>The file's index in the torrent (what <c>PUT /api/torrents/{h}/files/{index}</c> and <c>download --files</c> take).</summary>
    public int Index { get; init; }

    /// <summary>skip, low, normal or high.</summary>
    public string Priority { get; init; } = "normal";
}

/// <summary>A connected peer with our and its choke/interest flags.</summary>
public sealed record PeerRow(
    string Address,
    string Client,
    double DownloadRate,
    double UploadRate,
    bool AmChoking,
    bool AmInterested,
    bool PeerChoking,
    bool PeerInterested,
    double Progress)
{
    /// <summary>How we came to know the peer: tracker, dht, pex, lsd, incoming or manual ("" until known).</summary>
    public string Source { get; init; } = "";

    /// <summary>The connection is RC4-encrypted (message stream encryption).</summary>
    public bool Encrypted { get; init; }
}

/// <summary>A tracker of a torrent and how its last announce went.</summary>
/// <param name="Tier">BEP 12 tier as the API gives it, 0 first; pages and the console show it counted from 1, as <c>info</c> does.</param>
public sealed record TrackerRow(string Url, int Tier, string Status, int Peers, DateTimeOffset? LastAnnounce, string? Error);
