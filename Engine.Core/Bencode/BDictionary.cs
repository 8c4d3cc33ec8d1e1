using System.Text;

namespace Engine.Core.Bencode;

/// <summary>
/// A bencode dictionary (<c>d...e</c>). <see cref="Entries"/> keeps the entries in source order,
/// duplicates included (only possible when decoded with <see cref="BencodeOptions.Strict"/> off);
/// lookups return the first entry with a given key ("first wins").
/// </summary>
internal sealed class BDictionary : BValue
{
    /// <summary>Builds a dictionary in code; entries are sorted by key bytes, a duplicate key throws.</summary>
    public BDictionary(IEnumerable<KeyValuePair<BString, BValue>> entries) : this(SortChecked(entries), 0, 0) { }

    internal BDictionary(IReadOnlyList<KeyValuePair<BString, BValue>> entries, int start, int end) : base(start, end)
        => Entries = entries;

    /// <summary>The dictionary with no entries.</summary>
    public static BDictionary Empty { get; } = new([]);

    public IReadOnlyList<KeyValuePair<BString, BValue>> Entries { get; }

    public int Count => Entries.Count;

    /// <summary>The value of the first entry whose key is the UTF-8 encoding of <paramref name="key"/>, or null.</summary>
    public BValue? this[string key]
    {
        get
        {
            var entries = Entries;
            for (var i = 0; i < entries.Count; i++)
                if (Utf8Equals(entries[i].Key.Bytes.Span, key))
                    return entries[i].Value;
            return null;
        }
    }

    /// <summary>The value of the first entry whose key has exactly these bytes, or null.</summary>
    public BValue? Get(ReadOnlySpan<byte> key)
    {
        var entries = Entries;
        for (var i = 0; i < entries.Count; i++)
            if (entries[i].Key.Bytes.Span.SequenceEqual(key))
                return entries[i].Value;
        return null;
    }

    public bool ContainsKey(string key) => this[key] is not null;

    /// <summary>True when the key is present and its value is a <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(string key, out T value) where T : BValue
    {
        if (this[key] is T found)
        {
            value = found;
            return true;
        }
        value = null!;
        return false;
    }

    internal static bool Utf8Equals(ReadOnlySpan<byte> bytes, string text)
    {
        // Fast path for ASCII keys (nearly all): compare char by char without allocating.
        if (bytes.Length == text.Length)
        {
            var ascii = true;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c >= 0x80) { ascii = false; break; }
                if (bytes[i] != c) return false;
            }
            if (ascii) return true;
        }
        if (bytes.Length < text.Length) return false; // UTF-8 never has fewer bytes than UTF-16 code units
        return bytes.SequenceEqual(Encoding.UTF8.GetBytes(text));
    }

    private static KeyValuePair<BString, BValue>[] SortChecked(IEnumerable<KeyValuePair<BString, BValue>> entries)
    {
        var array = entries.ToArray();
        Array.Sort(array, static (a, b) => a.Key.Bytes.Span.SequenceCompareTo(b.Key.Bytes.Span));
        for (var i = 1; i < array.Length; i++)
            if (array[i - 1].Key.Bytes.Span.SequenceEqual(array[i].Key.Bytes.Span))
                throw new ArgumentException($"duplicate dictionary key '{array[i].Key.Text}'", nameof(entries));
        return array;
    }
}
