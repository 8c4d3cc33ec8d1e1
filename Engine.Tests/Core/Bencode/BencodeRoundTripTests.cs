using System.Text;
using Engine.Core.Bencode;

namespace Engine.Tests.Core.Bencode;

/// <summary>Property tests: random values, seeded, survive encode → decode unchanged.</summary>
public class BencodeRoundTripTests
{
    private static BValue RandomValue(Random rng, int depth)
    {
        var kind = depth >= 5 ? rng.Next(2) : rng.Next(4);
        switch (kind)
        {
            case 0:
                return new BInteger(rng.Next(4) switch
                {
                    0 => rng.Next(-10, 10),
                    1 => rng.NextInt64(),
                    2 => -rng.NextInt64(),
                    _ => rng.Next(2) == 0 ? long.MinValue : long.MaxValue,
                });
            case 1:
                return new BString(RandomBytes(rng, rng.Next(4) == 0 ? rng.Next(300) : rng.Next(12)));
            case 2:
                var items = new BValue[rng.Next(6)];
                for (var i = 0; i < items.Length; i++) items[i] = RandomValue(rng, depth + 1);
                return new BList(items);
            default:
                var entries = new Dictionary<string, BValue>();
                var count = rng.Next(6);
                for (var i = 0; i < count; i++)
                    entries[Convert.ToHexString(RandomBytes(rng, rng.Next(5)))] = RandomValue(rng, depth + 1);
                var builder = new BDictionaryBuilder();
                foreach (var (k, v) in entries) builder.Add(k, v);
                return builder.Build();
        }
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static void AssertSame(BValue expected, BValue actual)
    {
        switch (expected)
        {
            case BInteger i:
                Assert.Equal(i.Value, Assert.IsType<BInteger>(actual).Value);
                break;
            case BString s:
                Assert.Equal(s.Bytes.ToArray(), Assert.IsType<BString>(actual).Bytes.ToArray());
                break;
            case BList l:
                var list = Assert.IsType<BList>(actual);
                Assert.Equal(l.Count, list.Count);
                for (var i = 0; i < l.Count; i++) AssertSame(l[i], list[i]);
                break;
            case BDictionary d:
                var dict = Assert.IsType<BDictionary>(actual);
                Assert.Equal(d.Count, dict.Count);
                for (var i = 0; i < d.Count; i++)
                {
                    Assert.Equal(d.Entries[i].Key.Bytes.ToArray(), dict.Entries[i].Key.Bytes.ToArray());
                    AssertSame(d.Entries[i].Value, dict.Entries[i].Value);
                }
                break;
        }
    }

    [Fact]
    public void Random_values_round_trip_through_encode_and_strict_decode()
    {
        var rng = new Random(20240601);
        for (var n = 0; n < 2000; n++)
        {
            var value = RandomValue(rng, 0);
            var bytes = value.Encode();
            var decoded = BencodeReader.Decode(bytes);
            AssertSame(value, decoded);
            Assert.Equal(0, decoded.Start);
            Assert.Equal(bytes.Length, decoded.End);
            Assert.Equal(bytes, decoded.Encode());
        }
    }

    [Fact]
    public void Child_offsets_delimit_their_own_encoding()
    {
        var rng = new Random(7);
        for (var n = 0; n < 300; n++)
        {
            var bytes = RandomValue(rng, 0).Encode();
            CheckOffsets(BencodeReader.Decode(bytes), bytes);
        }

        static void CheckOffsets(BValue value, byte[] source)
        {
            Assert.Equal(value.Encode(), source[value.Start..value.End]);
            if (value is BList l) foreach (var item in l.Items) CheckOffsets(item, source);
            if (value is BDictionary d) foreach (var (_, item) in d.Entries) CheckOffsets(item, source);
        }
    }

    [Fact]
    public void Every_truncation_of_a_valid_encoding_is_a_bencode_error()
    {
        var rng = new Random(99);
        for (var n = 0; n < 200; n++)
        {
            var bytes = RandomValue(rng, 0).Encode();
            for (var cut = 0; cut < bytes.Length; cut++)
                Assert.Throws<BencodeException>(() => BencodeReader.Decode(bytes.AsMemory(0, cut)));
        }
    }

    [Fact]
    public void Random_garbage_never_throws_anything_but_bencode_errors()
    {
        var rng = new Random(12345);
        const string alphabet = "ilde0123456789:-x";
        for (var n = 0; n < 20000; n++)
        {
            var chars = new char[rng.Next(1, 24)];
            for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[rng.Next(alphabet.Length)];
            var data = Encoding.ASCII.GetBytes(chars);
            try
            {
                var value = BencodeReader.Decode(data);
                Assert.Equal(data, value.Encode()); // whatever is accepted is canonical
            }
            catch (BencodeException) { }
        }
    }
}
