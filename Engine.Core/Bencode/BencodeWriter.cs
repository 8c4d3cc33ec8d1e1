using System.Buffers.Text;
using System.Buffers;
using System.Text;

namespace Engine.Core.Bencode;

/// <summary>
/// Bencode encoder writing straight into an <see cref="IBufferWriter{T}"/>. The low-level calls
/// (<see cref="WriteInteger"/>, <see cref="WriteString(IBufferWriter{byte}, ReadOnlySpan{byte})"/>,
/// <see cref="WriteListStart"/>, <see cref="WriteDictionaryStart"/>, <see cref="WriteEnd"/>) leave key
/// order to the caller; <see cref="BDictionaryBuilder"/> and <see cref="Encode(BValue)"/> of a built
/// <see cref="BDictionary"/> produce sorted keys.
/// </summary>
internal static class BencodeWriter
{
    public static void WriteInteger(IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(22);
        span[0] = (byte)'i';
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[1 + written] = (byte)'e';
        writer.Advance(written + 2);
    }

    public static void WriteString(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        var span = writer.GetSpan(11 + bytes.Length);
        Utf8Formatter.TryFormat(bytes.Length, span, out var written);
        span[written++] = (byte)':';
        bytes.CopyTo(span[written..]);
        writer.Advance(written + bytes.Length);
    }

    /// <summary>Writes the UTF-8 encoding of <paramref name="text"/> as a byte string.</summary>
    public static void WriteString(IBufferWriter<byte> writer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var span = writer.GetSpan(11 + length);
        Utf8Formatter.TryFormat(length, span, out var written);
        span[written++] = (byte)':';
        written += Encoding.UTF8.GetBytes(text, span[written..]);
        writer.Advance(written);
    }

    public static void WriteListStart(IBufferWriter<byte> writer) => WriteByte(writer, (byte)'l');

    public static void WriteDictionaryStart(IBufferWriter<byte> writer) => WriteByte(writer, (byte)'d');

    /// <summary>Ends the innermost open list or dictionary.</summary>
    public static void WriteEnd(IBufferWriter<byte> writer) => WriteByte(writer, (byte)'e');

    /// <summary>Copies already-encoded bencode verbatim (e.g. a torrent's raw info dictionary).</summary>
    public static void WriteRaw(IBufferWriter<byte> writer, ReadOnlySpan<byte> encoded)
    {
        encoded.CopyTo(writer.GetSpan(encoded.Length));
        writer.Advance(encoded.Length);
    }

    public static void Write(IBufferWriter<byte> writer, BValue value)
    {
        switch (value)
        {
            case BInteger i:
                WriteInteger(writer, i.Value);
                break;
            case BString s:
                WriteString(writer, s.Bytes.Span);
                break;
            case BList l:
                WriteListStart(writer);
                foreach (var item in l.Items) Write(writer, item);
                WriteEnd(writer);
                break;
            case BDictionary d:
                WriteDictionaryStart(writer);
                foreach (var (key, item) in d.Entries)
                {
                    WriteString(writer, key.Bytes.Span);
                    Write(writer, item);
                }
                WriteEnd(writer);
                break;
            default:
                throw new ArgumentException($"unknown bencode value type {value.GetType().Name}", nameof(value));
        }
    }

    public static byte[] Encode(BValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteByte(IBufferWriter<byte> writer, byte b)
    {
        writer.GetSpan(1)[0] = b;
        writer.Advance(1);
    }
}
