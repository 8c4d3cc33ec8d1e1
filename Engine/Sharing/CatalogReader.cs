using System.Text.Json;
using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>Reads the JSON of our tracker's <c>/catalog</c> and <c>/publish</c> answers. Pure; malformed input is a <see cref="FormatException"/>.</summary>
internal static class CatalogReader
{
    public static IReadOnlyList<CatalogItem> ReadCatalog(ReadOnlySpan<byte> json)
    {
        try
        {
            return ReadCatalogCore(json);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"the catalog has text that is not valid UTF-8: {e.Message}", e);
        }
    }

    private static IReadOnlyList<CatalogItem> ReadCatalogCore(ReadOnlySpan<byte> json)
    {
        using var document = Parse(json, "catalog");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("torrents", out var torrents) || torrents.ValueKind != JsonValueKind.Array)
            throw new FormatException("the catalog has no 'torrents' array");
        var list = new List<CatalogItem>();
        var i = 0;
        foreach (var t in torrents.EnumerateArray())
        {
            var where = $"catalog entry {i++}";
            if (t.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} is not an object");
            var hex = t.TryGetProperty("infoHash", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString()! : "";
            if (!InfoHash.TryFromHex(hex, out var hash)) throw new FormatException($"{where} has no 40-digit hex 'infoHash'");
            string? name = t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            long? size = t.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var bytes) && bytes >= 0 ? bytes : null;
            var published = t.TryGetProperty("published", out var p) && p.ValueKind == JsonValueKind.True;
            list.Add(new CatalogItem(hash, name, size, Count(t, "seeders"), Count(t, "leechers"), Count(t, "completed"), published));
        }
        return list;
    }

    /// <summary>The <c>error</c> of a JSON error body, or null.</summary>
    public static string? ReadError(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = Parse(json, "error");
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the tracker's {what} answer is not valid JSON: {e.Message}", e);
        }
    }

    private static int Count(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 0 ? n : 0;
}
