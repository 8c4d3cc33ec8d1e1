using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>Finds what <c>fetch</c> asks for in a catalog: by info-hash (40 hex digits) or by exact name. Pure.</summary>
internal static class CatalogLookup
{
    /// <summary>The one published torrent the query names, or an error saying why there is none (missing, ambiguous, unpublished).</summary>
    public static (CatalogItem? Item, string? Error) Find(IReadOnlyList<CatalogItem> catalog, string query)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(query);
        query = query.Trim();
        if (query.Length == 0) return (null, "give a name or an info-hash");
        if (query.Length == 40 && InfoHash.TryFromHex(query, out var hash))
        {
            foreach (var item in catalog)
                if (item.InfoHash == hash)
                    return item.Published ? (item, null) : (null, $"{hash} is tracked but nobody published its .torrent file");
            return (null, $"no torrent {hash} in the catalog");
        }
        var matches = new List<CatalogItem>();
        foreach (var item in catalog)
            if (item.Published && item.Name == query) matches.Add(item);
        if (matches.Count == 1) return (matches[0], null);
        if (matches.Count > 1)
            return (null, $"{matches.Count} torrents are named '{query}' ({string.Join(", ", matches.Select(m => m.InfoHash.ToHex()))}): give the info-hash");
        var similar = catalog.Where(i => i.Published && i.Name is not null && i.Name.Contains(query, StringComparison.OrdinalIgnoreCase))
            .Select(i => i.Name!).Distinct().Take(5).ToList();
        return (null, $"no torrent named '{query}' in the catalog" + (similar.Count > 0 ? $" (did you mean: {string.Join(", ", similar)}?)" : ""));
    }
}
