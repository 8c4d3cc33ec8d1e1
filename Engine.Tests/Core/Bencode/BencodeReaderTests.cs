using System.Text;
using Engine.Core.Bencode;

namespace Engine.Tests.Core.Bencode;

public class BencodeReaderTests
{
    private static BValue Decode(string s, BencodeOptions? options = null) => BencodeReader.Decode(Encoding.UTF8.GetBytes(s), options);

    private static BencodeException Fails(string s, BencodeOptions? options = null)
        => Assert.Throws<BencodeException>(() => Decode(s, options));

    [Theory]
    [InlineData("i0e", 0L)]
    [InlineData("i42e", 42L)]
    [InlineData("i-42e", -42L)]
    [InlineData("i9223372036854775807e", long.MaxValue)]
    [InlineData("i-9223372036854775808e", long.MinValue)]
    public void Valid_integers_decode_to_their_value(string text, long expected)
    {
        var value = Assert.IsType<BInteger>(Decode(text));
        Assert.Equal(expected, value.Value);
        Assert.Equal(0, value.Start);
        Assert.Equal(text.Length, value.End);
    }

    [Fact]
    public void Integer_with_leading_zero_is_rejected()
    {
        var e = Fails("i03e");
        Assert.Equal(1, e.Offset);
        Assert.Contains("leading zero", e.Message);
    }

    [Fact]
    public void Negative_integer_with_leading_zero_is_rejected() => Assert.Contains("leading zero", Fails("i-03e").Message);

    [Fact]
    public void Negative_zero_is_rejected() => Assert.Contains("negative zero", Fails("i-0e").Message);

    [Fact]
    public void Empty_integer_is_rejected()
    {
        var e = Fails("ie");
        Assert.Equal(1, e.Offset);
        Assert.Contains("expected a digit", e.Message);
    }

    [Fact]
    public void Lone_minus_sign_is_rejected() => Assert.Contains("expected a digit", Fails("i-e").Message);

    [Fact]
    public void Integer_above_int64_max_is_rejected() => Assert.Contains("64 bits", Fails("i9223372036854775808e").Message);

    [Fact]
    public void Integer_below_int64_min_is_rejected() => Assert.Contains("64 bits", Fails("i-9223372036854775809e").Message);

    [Fact]
    public void Very_long_integer_is_rejected_without_wrapping() => Assert.Contains("64 bits", Fails("i" + new string('9', 40) + "e").Message);

    [Fact]
    public void Integer_with_plus_sign_is_rejected() => Assert.Contains("expected a digit", Fails("i+1e").Message);

    [Fact]
    public void Integer_with_non_digit_is_rejected()
    {
        var e = Fails("i12xe");
        Assert.Equal(3, e.Offset);
        Assert.Contains("expected 'e'", e.Message);
    }

    [Fact]
    public void Unterminated_integer_is_rejected() => Assert.Contains("end of data", Fails("i12").Message);

    [Fact]
    public void String_decodes_as_a_slice_of_the_input()
    {
        var data = Encoding.ASCII.GetBytes("4:spam");
        var s = Assert.IsType<BString>(BencodeReader.Decode(data));
        Assert.Equal("spam", s.Text);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(s.Bytes, out var segment));
        Assert.Same(data, segment.Array);
        Assert.Equal(2, segment.Offset);
    }

    [Fact]
    public void Empty_string_is_valid() => Assert.Equal("", Assert.IsType<BString>(Decode("0:")).Text);

    [Fact]
    public void String_with_invalid_utf8_has_lossy_text_and_exact_bytes()
    {
        var s = Assert.IsType<BString>(BencodeReader.Decode(new byte[] { (byte)'2', (byte)':', 0xff, 0x41 }));
        Assert.Equal("\uFFFDA", s.Text);
        Assert.Equal(new byte[] { 0xff, 0x41 }, s.Bytes.ToArray());
    }

    [Fact]
    public void String_longer_than_the_data_is_rejected()
    {
        var e = Fails("5:abc");
        Assert.Equal(0, e.Offset);
        Assert.Contains("exceeds", e.Message);
    }

    [Fact]
    public void Huge_string_length_is_rejected_before_allocating()
    {
        var e = Fails("99999999999999999999999999:abc");
        Assert.Contains("exceeds", e.Message);
    }

    [Fact]
    public void String_length_with_leading_zero_is_rejected() => Assert.Contains("leading zero", Fails("03:abc").Message);

    [Fact]
    public void String_length_without_colon_is_rejected() => Assert.Contains("expected ':'", Fails("3abc").Message);

    [Fact]
    public void String_length_at_end_of_data_is_rejected() => Assert.Contains("expected ':'", Fails("1").Message);

    [Fact]
    public void Negative_string_length_is_rejected() => Assert.Contains("expected a value", Fails("-3:abc").Message);

    [Fact]
    public void Unknown_type_byte_is_rejected()
    {
        var e = Fails("x");
        Assert.Equal(0, e.Offset);
        Assert.Contains("found 'x'", e.Message);
    }

    [Fact]
    public void Empty_input_is_rejected() => Assert.Contains("end of data", Fails("").Message);

    [Fact]
    public void Trailing_data_is_rejected()
    {
        var e = Fails("i1ei2e");
        Assert.Equal(3, e.Offset);
        Assert.Contains("trailing data", e.Message);
    }

    [Fact]
    public void Lists_decode_with_offsets()
    {
        var list = Assert.IsType<BList>(Decode("li1e3:abce"));
        Assert.Equal(2, list.Count);
        Assert.Equal(1, list[0].Start);
        Assert.Equal(4, list[0].End);
        Assert.Equal(4, list[1].Start);
        Assert.Equal(9, list[1].End);
        Assert.Equal(10, list.End);
    }

    [Fact]
    public void Unterminated_list_is_rejected() => Assert.Contains("inside the list", Fails("li1e").Message);

    [Fact]
    public void Dictionary_lookup_by_key()
    {
        var dict = Assert.IsType<BDictionary>(Decode("d1:ai1e1:b2:xye"));
        Assert.Equal(1, Assert.IsType<BInteger>(dict["a"]).Value);
        Assert.True(dict.TryGet<BString>("b", out var b));
        Assert.Equal("xy", b.Text);
        Assert.False(dict.TryGet<BInteger>("b", out _));
        Assert.Null(dict["c"]);
    }

    [Fact]
    public void Dictionary_lookup_with_non_ascii_key()
    {
        var dict = Assert.IsType<BDictionary>(Decode("d5:name.i1e6:näme.i2ee", BencodeOptions.Metainfo));
        Assert.Equal(2, Assert.IsType<BInteger>(dict["näme."]).Value);
    }

    [Fact]
    public void Dictionary_key_that_is_not_a_string_is_rejected()
    {
        var e = Fails("di1ei2ee");
        Assert.Equal(1, e.Offset);
        Assert.Contains("key must be a byte string", e.Message);
    }

    [Fact]
    public void Dictionary_key_without_value_is_rejected() => Assert.Contains("value of key 'a'", Fails("d1:a").Message);

    [Fact]
    public void Dictionary_key_followed_by_end_is_rejected() => Assert.Contains("expected a value", Fails("d1:ae").Message);

    [Fact]
    public void Unterminated_dictionary_is_rejected() => Assert.Contains("inside the dictionary", Fails("d1:ai1e").Message);

    [Fact]
    public void Unsorted_keys_are_rejected_in_strict_mode()
    {
        var e = Fails("d1:bi1e1:ai2ee");
        Assert.Equal(7, e.Offset);
        Assert.Contains("out of order", e.Message);
    }

    [Fact]
    public void Duplicate_keys_are_rejected_in_strict_mode() => Assert.Contains("duplicate", Fails("d1:ai1e1:ai2ee").Message);

    [Fact]
    public void Unsorted_keys_are_tolerated_in_metainfo_mode()
    {
        var dict = Assert.IsType<BDictionary>(Decode("d1:bi1e1:ai2ee", BencodeOptions.Metainfo));
        Assert.Equal("b", dict.Entries[0].Key.Text);
        Assert.Equal(2, Assert.IsType<BInteger>(dict["a"]).Value);
    }

    [Fact]
    public void Duplicate_keys_in_metainfo_mode_first_wins()
    {
        var dict = Assert.IsType<BDictionary>(Decode("d1:ai1e1:ai2ee", BencodeOptions.Metainfo));
        Assert.Equal(2, dict.Count);
        Assert.Equal(1, Assert.IsType<BInteger>(dict["a"]).Value);
    }

    [Fact]
    public void Keys_compare_as_raw_bytes_not_text()
    {
        // 'Z' (0x5a) sorts before 'a' (0x61); a culture-aware comparison would disagree.
        Assert.IsType<BDictionary>(Decode("d1:Zi1e1:ai2ee"));
        Assert.Contains("out of order", Fails("d1:ai1e1:Zi2ee").Message);
    }

    [Fact]
    public void Nesting_beyond_the_depth_limit_is_an_error_not_a_crash()
    {
        var deep = new string('l', 300) + new string('e', 300);
        var e = Fails(deep);
        Assert.Contains("nesting deeper than the limit of 256", e.Message);
        Assert.Equal(256, e.Offset);
    }

    [Fact]
    public void Nesting_at_the_depth_limit_is_accepted()
    {
        var ok = new string('l', 256) + new string('e', 256);
        Assert.IsType<BList>(Decode(ok));
    }

    [Fact]
    public void Extreme_depth_limit_still_cannot_overflow_the_stack()
    {
        const int n = 2_000_000;
        var deep = new string('l', n) + new string('e', n);
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { Assert.Throws<BencodeException>(() => Decode(deep, new BencodeOptions(MaxDepth: int.MaxValue))); }
            catch (Exception ex) { failure = ex; }
        }, 256 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        Assert.Null(failure);
    }

    [Fact]
    public void Decode_prefix_reports_where_the_value_ended()
    {
        var data = Encoding.ASCII.GetBytes("d8:msg_typei1e5:piecei0eeRAWBYTES");
        var dict = Assert.IsType<BDictionary>(BencodeReader.DecodePrefix(data, out var consumed));
        Assert.Equal(data.Length - 8, consumed);
        Assert.Equal(1, Assert.IsType<BInteger>(dict["msg_type"]).Value);
    }

    [Fact]
    public void Decode_dictionary_requires_a_dictionary() =>
        Assert.Contains("expected a dictionary", Assert.Throws<BencodeException>(() => BencodeReader.DecodeDictionary(Encoding.ASCII.GetBytes("i1e"))).Message);

    [Fact]
    public void Bencode_exception_is_a_format_exception() => Assert.IsAssignableFrom<FormatException>(Fails("q"));
}
