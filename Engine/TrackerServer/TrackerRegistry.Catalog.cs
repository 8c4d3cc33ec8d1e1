using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.TrackerServer;

internal sealed partial class TrackerRegistry
{
    private sealed record Published(string Name, long Size, byte[] File);

    private readonly Dictionary<InfoHash, Published> _published = [];
    private long _publishedBytes;

    public int PublishedCount => _published.Count;

    /// <summary>
    /// Publishes a .torrent file so others find it by name and can fetch it. Refused when it does not parse, is
    /// larger than <see cref="TrackerOptions.MaxTorrentFileBytes"/>, is not on the allow list (when one is set), or
    /// when <see cref="TrackerOptions.MaxPublished"/> / <see cref="TrackerOptions.MaxPublishedBytes"/> are reached.
    /// Publishing the same info-hash again keeps the first file.
    /// </summary>
    public PublishResult Publish(ReadOnlyMemory<byte> torrentFile)
    {
        if (torrentFile.Length > Options.MaxTorrentFileBytes)
            return PublishResult.Refused($"the .torrent file has {torrentFile.Length} bytes, more than the {Options.MaxTorrentFileBytes} allowed");
        TorrentMetainfo metainfo;
        try
        {
            metainfo = TorrentMetainfo.Parse(torrentFile);
        }
        catch (MetainfoException e)
        {
            return PublishResult.Refused(e.Message);
        }
        if (!IsAllowed(metainfo.InfoHash)) return PublishResult.Refused(NotAllowedMessage);
        if (_published.TryGetValue(metainfo.InfoHash, out var existing))
            return new PublishResult(null, metainfo.InfoHash, existing.Name, existing.Size, AlreadyPublished: true);
        if (_published.Count >= Options.MaxPublished)
            return PublishResult.Refused($"the catalog is full ({Options.MaxPublished} torrents)");
        if (_publishedBytes + torrentFile.Length > Options.MaxPublishedBytes)
            return PublishResult.Refused($"the catalog is full ({Options.MaxPublishedBytes} bytes of .torrent files)");

        _published.Add(metainfo.InfoHash, new Published(metainfo.Name, metainfo.TotalLength, torrentFile.ToArray()));
        _publishedBytes += torrentFile.Length;
        if (_swarms.TryGetValue(metainfo.InfoHash, out var swarm) && swarm.LruNode is not null)
        {
            _lru.Remove(swarm.LruNode);
            swarm.LruNode = null;
            swarm.Published = true;
        }
        return new PublishResult(null, metainfo.InfoHash, metainfo.Name, metainfo.TotalLength, AlreadyPublished: false);
    }

    /// <summary>The published .torrent file, or null.</summary>
    public byte[]? GetTorrentFile(InfoHash infoHash) => _published.TryGetValue(infoHash, out var p) ? p.File : null;

    /// <summary>
    /// Published torrents (by name) and then the busiest other swarms, at most <paramref name="limit"/> entries.
    /// </summary>
    public IReadOnlyList<CatalogEntry> Catalog(int limit = 1000)
    {
        var entries = new List<CatalogEntry>(_published.Count + _lru.Count);
        foreach (var (hash, p) in _published)
        {
            _swarms.TryGetValue(hash, out var swarm);
            entries.Add(new CatalogEntry(hash, p.Name, p.Size, swarm?.Seeders ?? 0, swarm?.Leechers ?? 0, swarm?.Completed ?? 0, Published: true));
        }
        foreach (var swarm in _lru)
            entries.Add(new CatalogEntry(swarm.InfoHash, null, null, swarm.Seeders, swarm.Leechers, swarm.Completed, Published: false));
        return InCatalogOrder(entries, limit);
    }

    /// <summary>
    /// The catalog's order, at most <paramref name="limit"/> entries: published torrents by name (then info-hash), then the
    /// others busiest first (then by info-hash). A tracker cluster merges its shards' pages with it.
    /// </summary>
    internal static List<CatalogEntry> InCatalogOrder(IEnumerable<CatalogEntry> entries, int limit) => entries
        .OrderBy(e => e.Published ? 0 : 1)
        .ThenBy(e => e.Published ? e.Name : null, StringComparer.Ordinal)
        .ThenByDescending(e => e.Published ? 0 : e.Seeders + e.Leechers)
        .ThenBy(e => e.InfoHash.ToHex(), StringComparer.Ordinal)
        .Take(limit)
        .ToList();

    /// <summary>The catalog's first <paramref name="limit"/> entries and the totals.</summary>
    public CatalogView View(int limit) => new(Catalog(limit), TorrentCount, PeerCount);

    /// <summary>A torrent's peers (as <see cref="Peers"/>) with its name when published; null when there is no swarm.</summary>
    public SwarmPeers? PeersOf(InfoHash infoHash, int limit) =>
        Peers(infoHash, limit) is { } peers ? new SwarmPeers(_published.TryGetValue(infoHash, out var p) ? p.Name : null, peers) : null;

    /// <summary>The peers of a torrent, most recently seen first, at most <paramref name="limit"/>; null when the tracker has no swarm for it.</summary>
    public IReadOnlyList<PeerInfo>? Peers(InfoHash infoHash, int limit = 1000)
    {
        if (!_swarms.TryGetValue(infoHash, out var swarm)) return _published.ContainsKey(infoHash) ? [] : null;
        return swarm.Peers
            .OrderByDescending(p => p.LastSeen)
            .Take(limit)
            .Select(p => new PeerInfo(p.Endpoint, p.Id, p.Left, p.Uploaded, p.Downloaded, p.LastSeen))
            .ToList();
    }
}
