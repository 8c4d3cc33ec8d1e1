using System.Net;
using Engine.Core.Primitives;

namespace Engine.TrackerServer;

/// <summary>What the registry answers to an announce. <see cref="Peers"/> and <see cref="PeerIds"/> are parallel lists.</summary>
/// <param name="Failure">Set when the announce was refused (e.g. not on the allow list); the rest is then empty.</param>
internal sealed record TrackerAnnounceResult(
    string? Failure,
    TimeSpan Interval,
    TimeSpan MinInterval,
    int Seeders,
    int Leechers,
    int Completed,
    IReadOnlyList<IPEndPoint> Peers,
    IReadOnlyList<PeerId> PeerIds)
{
    public bool IsFailure => Failure is not null;
}

/// <summary>One torrent in the catalog. Name and size are known only for published torrents.</summary>
public sealed record CatalogEntry(InfoHash InfoHash, string? Name, long? Size, int Seeders, int Leechers, int Completed, bool Published);

/// <summary>A page of the catalog and the tracker's totals (of the whole cluster for a tracker cluster).</summary>
internal sealed record CatalogView(IReadOnlyList<CatalogEntry> Entries, int TorrentCount, int PeerCount);

/// <summary>A swarm's peers as the catalog shows them, with the torrent's name when it was published.</summary>
internal sealed record SwarmPeers(string? Name, IReadOnlyList<PeerInfo> Peers);

/// <summary>One peer of a swarm as the catalog shows it.</summary>
public sealed record PeerInfo(IPEndPoint Endpoint, PeerId PeerId, long Left, long Uploaded, long Downloaded, DateTimeOffset LastSeen)
{
    public bool IsSeeder => Left == 0;
}

/// <summary>The outcome of publishing a .torrent file. On success <see cref="Error"/> is null.</summary>
/// <param name="AlreadyPublished">True when the same info-hash was published before (the first file is kept).</param>
public sealed record PublishResult(string? Error, InfoHash InfoHash, string? Name, long Size, bool AlreadyPublished)
{
    public bool IsSuccess => Error is null;

    internal static PublishResult Refused(string error) => new(error, default, null, 0, false);
}
