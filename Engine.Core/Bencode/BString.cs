using System.Text;

namespace Engine.Core.Bencode;

/// <summary>A bencode byte string (<c>4:spam</c>). The bytes are a slice of the decoded buffer, not a copy.</summary>
internal sealed class BString : BValue
{
    private string? _text;

    public BString(ReadOnlyMemory<byte> bytes) : this(bytes, 0, 0) { }

    public BString(string text) : this(Encoding.UTF8.GetBytes(text), 0, 0) => _text = text;

    internal BString(ReadOnlyMemory<byte> bytes, int start, int end) : base(start, end) => Bytes = bytes;

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The bytes read as UTF-8; invalid sequences become U+FFFD (lossy).</summary>
    public string Text => _text ??= Encoding.UTF8.GetString(Bytes.Span);

    /// <summary>True when the bytes equal the UTF-8 encoding of <paramref name="text"/>.</summary>
    public bool TextEquals(string text) => BDictionary.Utf8Equals(Bytes.Span, text);

    public override string ToString() => Text;
}
