using System.Globalization;
using System.Text.Json;
using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>
/// The list of a shared directory's torrents, persisted as JSON in <c>&lt;dir&gt;/.share-state/index.json</c> beside the
/// .torrent files (<c>torrents/&lt;info-hash&gt;.torrent</c>) and the engine's resume files (<c>resume/</c>). Pure: bytes in, bytes out.
/// </summary>
internal static class ShareIndex
{
    public const string StateDirectoryName = ".share-state";
    public const int Version = 1;

    public static byte[] Write(IReadOnlyList<ShareRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteStartArray("torrents");
            foreach (var r in records)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                w.WriteString("infoHash", r.InfoHash.ToHex());
                w.WriteString("state", r.Downloading ? "downloading" : "shared");
                if (r.Signature is { } s)
                {
                    w.WriteNumber("size", s.Size);
                    w.WriteString("modified", s.ModifiedUtc.ToString("O", CultureInfo.InvariantCulture));
                }
                w.WriteBoolean("local", r.Local);
                w.WriteBoolean("published", r.Published);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>Reads an index. Anything malformed is a <see cref="FormatException"/> naming the problem.</summary>
    public static IReadOnlyList<ShareRecord> Read(ReadOnlySpan<byte> json)
    {
        try
        {
            return ReadCore(json);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"the share index has text that is not valid UTF-8: {e.Message}", e);
        }
    }

    private static IReadOnlyList<ShareRecord> ReadCore(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the share index is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the share index is not a JSON object");
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != Version)
                throw new FormatException($"the share index has no version {Version}");
            if (!root.TryGetProperty("torrents", out var torrents) || torrents.ValueKind != JsonValueKind.Array)
                throw new FormatException("the share index has no 'torrents' array");
            var list = new List<ShareRecord>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var t in torrents.EnumerateArray())
            {
                var where = $"torrent {i++}";
                if (t.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} is not an object");
                var name = String(t, "name", where);
                if (name.Length == 0 || name.IndexOfAny(['/', '\\', '\0']) >= 0 || name is "." or "..")
                    throw new FormatException($"{where} has the name '{name}', which is not a plain file name");
                if (!names.Add(name)) throw new FormatException($"{where}: '{name}' is listed twice");
                var hex = String(t, "infoHash", where);
                if (!InfoHash.TryFromHex(hex, out var hash)) throw new FormatException($"{where} has the info-hash '{hex}', not 40 hex digits");
                var state = String(t, "state", where);
                if (state is not ("shared" or "downloading")) throw new FormatException($"{where} has the unknown state '{state}'");
                FileSignature? signature = null;
                if (t.TryGetProperty("size", out var size))
                {
                    if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var bytes) || bytes < 0)
                        throw new FormatException($"{where} has a size that is not a non-negative integer");
                    var modified = String(t, "modified", where);
                    if (!DateTime.TryParse(modified, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
                        throw new FormatException($"{where} has the write time '{modified}', not an ISO 8601 time");
                    signature = new FileSignature(bytes, at.ToUniversalTime());
                }
                list.Add(new ShareRecord(name, hash, state == "downloading", signature, Bool(t, "local"), Bool(t, "published")));
            }
            return list;
        }
    }

    private static string String(JsonElement e, string name, string where) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"{where} has no string '{name}'");

    private static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
