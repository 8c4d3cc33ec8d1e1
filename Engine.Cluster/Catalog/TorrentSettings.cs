using System.Globalization;
using Engine.Api;
using Engine.Core.Primitives;

namespace Engine.Cluster.Catalog;

/// <summary>
/// A torrent's own limits and file priorities as separate registers of <see cref="ClusterKeys.Settings"/>, one per field
/// (<c>&lt;hash&gt;|up</c>, <c>|down</c>: bytes/s, empty for none; <c>|f&lt;index&gt;</c>: a digit, 0 skip to 3 high), so that
/// two nodes changing different fields of one torrent at the same time both keep their change (each register is
/// last-writer-wins on its own). A field that has no register keeps the catalog entry's value (a <c>v3</c> entry written
/// by a node of the version before).
/// </summary>
internal static class TorrentSettings
{
    public const string Upload = "up";
    public const string Download = "down";

    public static string Key(InfoHash hash, string field) => hash.ToHex() + "|" + field;

    public static string File(int index) => "f" + index.ToString(CultureInfo.InvariantCulture);

    public static string Limit(long? bytesPerSecond) => bytesPerSecond?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string Priority(FilePriority priority) => ((int)priority).ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="key"/> is one of <paramref name="hash"/>'s registers.</summary>
    public static bool IsOf(string key, InfoHash hash) => key.Length > 41 && key[40] == '|' && key.StartsWith(hash.ToHex(), StringComparison.Ordinal);

    /// <summary>The registers grouped by torrent (field → value); keys that are not <c>hash|field</c> are left out.</summary>
    public static Dictionary<InfoHash, Dictionary<string, string>> ByTorrent(IEnumerable<KeyValuePair<string, string>> registers)
    {
        var result = new Dictionary<InfoHash, Dictionary<string, string>>();
        foreach (var (key, value) in registers)
        {
            if (key.Length <= 41 || key[40] != '|' || !InfoHash.TryFromHex(key[..40], out var hash)) continue;
            if (!result.TryGetValue(hash, out var fields)) result[hash] = fields = new Dictionary<string, string>(StringComparer.Ordinal);
            fields[key[41..]] = value;
        }
        return result;
    }

    /// <summary>
    /// <paramref name="entry"/> with every register of <paramref name="fields"/> in place of its own value; a malformed
    /// register, or one naming a file past <paramref name="fileCount"/>, is ignored.
    /// </summary>
    public static CatalogEntry Apply(CatalogEntry entry, IReadOnlyDictionary<string, string>? fields, int fileCount)
    {
        if (fields is null || fields.Count == 0) return entry;
        if (fields.TryGetValue(Upload, out var up) && CatalogEntry.TryLimit(up, out var u)) entry = entry with { UploadLimit = u };
        if (fields.TryGetValue(Download, out var down) && CatalogEntry.TryLimit(down, out var d)) entry = entry with { DownloadLimit = d };
        FilePriority[]? levels = null;
        foreach (var (field, value) in fields)
        {
            if (field.Length < 2 || field[0] != 'f' || !int.TryParse(field.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || index >= fileCount || value is not [>= '0' and <= '3'])
                continue;
            if (levels is null)
            {
                levels = new FilePriority[fileCount];
                Array.Fill(levels, FilePriority.Normal);
                entry.FilePriorities?.Take(fileCount).ToArray().CopyTo(levels, 0);
            }
            levels[index] = (FilePriority)(value[0] - '0');
        }
        return levels is null ? entry : entry with { FilePriorities = levels };
    }
}
