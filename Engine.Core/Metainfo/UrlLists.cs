using Engine.Core.Bencode;

namespace Engine.Core.Metainfo;

/// <summary>
/// Lenient readers for the optional URL fields of a .torrent: malformed entries are skipped, never
/// fatal. URLs are trimmed of surrounding white space; empty ones and repeats are dropped.
/// </summary>
internal static class UrlLists
{
    public static string? Url(BValue? value)
    {
        if (value is not BString s) return null;
        var text = s.Text.Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>A single string or a list of strings (BEP 19 <c>url-list</c>, BEP 17 <c>httpseeds</c>).</summary>
    public static IReadOnlyList<string> StringOrList(BValue? value)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (value is BString)
            AddUrl(value, result, seen);
        else if (value is BList list)
            foreach (var item in list.Items)
                AddUrl(item, result, seen);
        return result;
    }

    /// <summary>BEP 12 tiers from <c>announce-list</c>; falls back to <c>[[announce]]</c>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Tiers(BValue? announceList, string? announce)
    {
        var tiers = new List<IReadOnlyList<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (announceList is BList list)
        {
            foreach (var tierValue in list.Items)
            {
                if (tierValue is not BList tierList) continue;
                var tier = new List<string>();
                foreach (var item in tierList.Items)
                    AddUrl(item, tier, seen);
                if (tier.Count > 0) tiers.Add(tier);
            }
        }
        if (tiers.Count == 0 && announce is not null)
            tiers.Add([announce]);
        return tiers;
    }

    private static void AddUrl(BValue? value, List<string> into, HashSet<string> seen)
    {
        if (Url(value) is { } url && seen.Add(url))
            into.Add(url);
    }
}
