using System.Globalization;
using System.Text;

namespace Engine.Tests.Interop;

/// <summary>A decoded bencode value with the byte range it occupied in the input.</summary>
public abstract record BNode(int Start, int End);

public sealed record BInteger(long Value, int Start, int End) : BNode(Start, End);

public sealed record BBytes(byte[] Value, int Start, int End) : BNode(Start, End)
{
    public string Text => Encoding.UTF8.GetString(Value);
}

public sealed record BList(IReadOnlyList<BNode> Items, int Start, int End) : BNode(Start, End);

/// <summary>Keys are decoded as Latin-1 so that every byte string key maps to a distinct .NET string.</summary>
public sealed record BDictionary(IReadOnlyDictionary<string, BNode> Entries, int Start, int End) : BNode(Start, End)
{
    public BNode? this[string key] => Entries.TryGetValue(key, out var v) ? v : null;
}

/// <summary>
/// A tiny test-only bencode reader, independent of the engine's Bencode code (ground truth for interop tests):
/// enough to find a torrent's info dictionary and read tracker replies. Throws <see cref="FormatException"/> on bad input.
/// </summary>
public static class MiniBencode
{
    public static BNode Parse(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        var node = ParseAt(data, ref pos, 0);
        if (pos != data.Length) throw new FormatException($"trailing bytes after bencode value at offset {pos}");
        return node;
    }

    /// <summary>Latin-1 key for a byte string (e.g. a 20-byte info-hash in a scrape reply).</summary>
    public static string Key(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static BNode ParseAt(ReadOnlySpan<byte> d, ref int pos, int depth)
    {
        if (depth > 64) throw new FormatException("bencode nested deeper than 64 levels");
        if (pos >= d.Length) throw new FormatException("unexpected end of bencode data");
        var start = pos;
        switch (d[pos])
        {
            case (byte)'i':
            {
                var end = d[pos..].IndexOf((byte)'e');
                if (end < 0) throw new FormatException($"unterminated integer at offset {start}");
                var text = Encoding.ASCII.GetString(d.Slice(pos + 1, end - 1));
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                    throw new FormatException($"bad integer '{text}' at offset {start}");
                pos += end + 1;
                return new BInteger(value, start, pos);
            }
            case (byte)'l':
            {
                pos++;
                var items = new List<BNode>();
                while (pos < d.Length && d[pos] != (byte)'e') items.Add(ParseAt(d, ref pos, depth + 1));
                if (pos >= d.Length) throw new FormatException($"unterminated list at offset {start}");
                pos++;
                return new BList(items, start, pos);
            }
            case (byte)'d':
            {
                pos++;
                var entries = new Dictionary<string, BNode>(StringComparer.Ordinal);
                while (pos < d.Length && d[pos] != (byte)'e')
                {
                    if (ParseAt(d, ref pos, depth + 1) is not BBytes key)
                        throw new FormatException($"dictionary key is not a byte string in dictionary at offset {start}");
                    entries[Key(key.Value)] = ParseAt(d, ref pos, depth + 1);
                }
                if (pos >= d.Length) throw new FormatException($"unterminated dictionary at offset {start}");
                pos++;
                return new BDictionary(entries, start, pos);
            }
            case >= (byte)'0' and <= (byte)'9':
            {
                var colon = d[pos..].IndexOf((byte)':');
                if (colon < 0) throw new FormatException($"byte string length without ':' at offset {start}");
                var lenText = Encoding.ASCII.GetString(d.Slice(pos, colon));
                if (!int.TryParse(lenText, NumberStyles.None, CultureInfo.InvariantCulture, out var len) || pos + colon + 1 + len > d.Length)
                    throw new FormatException($"bad byte string length '{lenText}' at offset {start}");
                pos += colon + 1;
                var value = d.Slice(pos, len).ToArray();
                pos += len;
                return new BBytes(value, start, pos);
            }
            default:
                throw new FormatException($"unexpected byte 0x{d[pos]:x2} at offset {start}");
        }
    }
}
