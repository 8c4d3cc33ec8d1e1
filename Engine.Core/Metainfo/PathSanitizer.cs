using System.Buffers;
using System.Text;

namespace Engine.Core.Metainfo;

/// <summary>
/// Turns the raw byte-string names of a torrent into path components that are safe to create
/// under the download directory. The rules (docs/metainfo.md):
/// <list type="bullet">
/// <item>a NUL byte anywhere rejects the torrent;</item>
/// <item>'/' and '\' and the Unicode direction overrides (U+200E, U+200F, U+202A–U+202E) are removed;</item>
/// <item>other control characters and invalid UTF-8 sequences become '_';</item>
/// <item>a component that was empty becomes "_"; one that is (or becomes) empty, "." or ".." is dropped;</item>
/// <item>a component longer than 255 UTF-8 bytes keeps its first 240 bytes plus its extension (≤ 15 bytes);</item>
/// <item>a path with no component left becomes "_".</item>
/// </list>
/// </summary>
internal static class PathSanitizer
{
    public const int MaxComponentBytes = 255;
    private const int TruncatedStemBytes = 240;
    private const int MaxKeptExtensionBytes = 15;

    /// <summary>The safe form of one component, or null when it is to be dropped.</summary>
    public static string? Component(ReadOnlySpan<byte> raw, string context)
    {
        if (raw.IsEmpty) return "_";
        var sb = new StringBuilder(raw.Length);
        Span<char> chars = stackalloc char[2];
        var rest = raw;
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(rest, out var rune, out var consumed);
            rest = rest[Math.Max(consumed, 1)..];
            if (status != OperationStatus.Done)
            {
                sb.Append('_');
                continue;
            }
            var c = rune.Value;
            if (c == 0)
                throw new MetainfoException($"{context} contains a NUL byte");
            if (c is '/' or '\\' or 0x200e or 0x200f or >= 0x202a and <= 0x202e)
                continue;
            if (c < 0x20 || c is >= 0x7f and <= 0x9f)
            {
                sb.Append('_');
                continue;
            }
            var n = rune.EncodeToUtf16(chars);
            sb.Append(chars[..n]);
        }
        var s = sb.ToString();
        if (s.Length == 0 || s == "." || s == "..") return null;
        return Truncate(s);
    }

    /// <summary>Sanitises every component of a path; never returns an empty list.</summary>
    public static List<string> Path(IReadOnlyList<ReadOnlyMemory<byte>> raw, string context)
    {
        var result = new List<string>(raw.Count);
        foreach (var component in raw)
            if (Component(component.Span, context) is { } safe)
                result.Add(safe);
        if (result.Count == 0) result.Add("_");
        return result;
    }

    /// <summary>The torrent's name as a directory/file name; falls back to the info-hash in hex.</summary>
    public static string Name(ReadOnlySpan<byte> raw, string infoHashHex)
        => raw.IsEmpty ? infoHashHex : Component(raw, "the torrent's name") ?? infoHashHex;

    internal static string Truncate(string s)
    {
        if (Encoding.UTF8.GetByteCount(s) <= MaxComponentBytes) return s;
        var dot = s.LastIndexOf('.');
        var extension = dot > 0 && Encoding.UTF8.GetByteCount(s.AsSpan(dot)) <= MaxKeptExtensionBytes ? s[dot..] : "";
        var stem = extension.Length > 0 ? s[..dot] : s;
        var sb = new StringBuilder(TruncatedStemBytes + extension.Length);
        var bytes = 0;
        foreach (var rune in stem.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > TruncatedStemBytes) break;
            sb.Append(rune.ToString());
        }
        return sb.Append(extension).ToString();
    }
}
