using System.Buffers;

namespace Engine.Core.Bencode;

/// <summary>
/// Builds a dictionary in any order; <see cref="Build"/>, <see cref="WriteTo"/> and <see cref="ToArray"/>
/// emit the keys sorted by their UTF-8 bytes, as bencode requires. Adding a key twice throws.
/// <code>var bytes = new BDictionaryBuilder().Add("length", 5).Add("name", "a.txt").ToArray();</code>
/// </summary>
internal sealed class BDictionaryBuilder
{
    private readonly List<KeyValuePair<BString, BValue>> _entries = [];

    public int Count => _entries.Count;

    public BDictionaryBuilder Add(string key, BValue value) => Add(new BString(key), value);

    /// <summary>A key that is raw bytes (e.g. a hash, as in BEP 52 <c>piece layers</c>).</summary>
    public BDictionaryBuilder Add(BString key, BValue value)
    {
        foreach (var (existing, _) in _entries)
            if (existing.Bytes.Span.SequenceEqual(key.Bytes.Span))
                throw new ArgumentException($"duplicate dictionary key '{key.Text}'", nameof(key));
        _entries.Add(new(key, value));
        return this;
    }

    public BDictionaryBuilder Add(string key, long value) => Add(key, new BInteger(value));

    public BDictionaryBuilder Add(string key, string value) => Add(key, new BString(value));

    public BDictionaryBuilder Add(string key, ReadOnlyMemory<byte> value) => Add(key, new BString(value));

    public BDictionaryBuilder Add(string key, BDictionaryBuilder value) => Add(key, value.Build());

    /// <summary>A list of UTF-8 strings.</summary>
    public BDictionaryBuilder Add(string key, IEnumerable<string> values)
        => Add(key, new BList(values.Select(v => (BValue)new BString(v))));

    /// <summary>Adds the entry only when <paramref name="value"/> is not null.</summary>
    public BDictionaryBuilder AddIfNotNull(string key, string? value) => value is null ? this : Add(key, value);

    public BDictionary Build() => new(_entries);

    public void WriteTo(IBufferWriter<byte> writer) => BencodeWriter.Write(writer, Build());

    public byte[] ToArray() => BencodeWriter.Encode(Build());

}
