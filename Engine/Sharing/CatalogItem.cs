using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>One torrent of our tracker's catalog (<c>GET /catalog</c>).</summary>
/// <param name="Name">Null for a swarm nobody published.</param>
/// <param name="Published">Its .torrent file can be fetched from <c>/torrents/&lt;info-hash&gt;.torrent</c>.</param>
public sealed record CatalogItem(InfoHash InfoHash, string? Name, long? Size, int Seeders, int Leechers, int Completed, bool Published);
