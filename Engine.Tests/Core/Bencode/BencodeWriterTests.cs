using System.Buffers;
using System.Text;
using Engine.Core.Bencode;

namespace Engine.Tests.Core.Bencode;

public class BencodeWriterTests
{
    private static string Ascii(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    [Theory]
    [InlineData(0L, "i0e")]
    [InlineData(-1L, "i-1e")]
    [InlineData(long.MaxValue, "i9223372036854775807e")]
    [InlineData(long.MinValue, "i-9223372036854775808e")]
    public void Integers_encode_canonically(long value, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        BencodeWriter.WriteInteger(buffer, value);
        Assert.Equal(expected, Ascii(buffer.WrittenSpan.ToArray()));
    }

    [Fact]
    public void Strings_encode_with_their_byte_length()
    {
        var buffer = new ArrayBufferWriter<byte>();
        BencodeWriter.WriteString(buffer, "né");
        BencodeWriter.WriteString(buffer, ""u8);
        Assert.Equal("3:né0:", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Low_level_calls_compose_lists_and_dictionaries()
    {
        var buffer = new ArrayBufferWriter<byte>();
        BencodeWriter.WriteDictionaryStart(buffer);
        BencodeWriter.WriteString(buffer, "a");
        BencodeWriter.WriteListStart(buffer);
        BencodeWriter.WriteInteger(buffer, 1);
        BencodeWriter.WriteEnd(buffer);
        BencodeWriter.WriteEnd(buffer);
        Assert.Equal("d1:ali1eee", Ascii(buffer.WrittenSpan.ToArray()));
    }

    [Fact]
    public void Dictionary_builder_sorts_keys_by_bytes()
    {
        var bytes = new BDictionaryBuilder()
            .Add("name", "x")
            .Add("length", 5)
            .Add("Z", new BList(new BInteger(1)))
            .Add("info", new BDictionaryBuilder().Add("b", 2).Add("a", 1))
            .ToArray();
        Assert.Equal("d1:Zli1ee4:infod1:ai1e1:bi2ee6:lengthi5e4:name1:xe", Ascii(bytes));
        Assert.IsType<BDictionary>(BencodeReader.Decode(bytes)); // strict decoder accepts it
    }

    [Fact]
    public void Dictionary_builder_rejects_a_repeated_key() =>
        Assert.Throws<ArgumentException>(() => new BDictionaryBuilder().Add("a", 1).Add("a", 2));

    [Fact]
    public void Decoded_dictionary_re_encodes_byte_for_byte()
    {
        var source = Encoding.ASCII.GetBytes("d4:infod6:lengthi10e4:name3:abce3:zzzli-5e0:ee");
        Assert.Equal(source, BencodeReader.Decode(source).Encode());
    }
}
