using Engine.Core.Dht;

namespace Engine.Tests.Core.Dht;

public sealed class NodeIdTests
{
    private static NodeId Hex(string hex) => NodeId.FromBytes(Convert.FromHexString(hex));

    [Fact]
    public void An_id_round_trips_through_its_bytes_and_hex()
    {
        var rng = new Random(1);
        for (var i = 0; i < 1000; i++)
        {
            var id = NodeId.Random(rng);
            Assert.Equal(id, NodeId.FromBytes(id.ToArray()));
            Assert.Equal(id, Hex(id.ToString()));
        }
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000", "0000000000000000000000000000000000000000", 160)]
    [InlineData("8000000000000000000000000000000000000000", "0000000000000000000000000000000000000000", 0)]
    [InlineData("0000000000000000000000000000000000000001", "0000000000000000000000000000000000000000", 159)]
    [InlineData("00000000000000000100000000000000000000ff", "0000000000000000000000000000000000000000", 71)]
    [InlineData("ffffffffffffffffffffffffffffffff00000000", "ffffffffffffffffffffffffffffffff80000000", 128)]
    public void The_common_prefix_counts_leading_equal_bits(string a, string b, int expected)
    {
        Assert.Equal(expected, Hex(a).CommonPrefix(Hex(b)));
        Assert.Equal(expected, Hex(b).CommonPrefix(Hex(a)));
    }

    [Fact]
    public void Distance_is_xor_read_as_an_unsigned_number()
    {
        var target = Hex("ff00000000000000000000000000000000000000");
        var near = Hex("fe00000000000000000000000000000000000000");
        var far = Hex("0100000000000000000000000000000000000000");
        Assert.True(target.CompareDistance(near, far) < 0);
        Assert.True(target.CompareDistance(far, near) > 0);
        Assert.Equal(0, target.CompareDistance(near, near));
    }

    [Fact]
    public void A_random_id_with_a_prefix_keeps_exactly_those_bits()
    {
        var rng = new Random(2);
        for (var bits = 0; bits <= 160; bits++)
        {
            var id = NodeId.Random(rng);
            var r = id.RandomWithPrefix(bits, rng);
            Assert.True(id.CommonPrefix(r) >= bits, $"prefix of {bits} bits");
            for (var i = 0; i < bits; i++) Assert.Equal(id.Bit(i), r.Bit(i));
        }
    }
}
