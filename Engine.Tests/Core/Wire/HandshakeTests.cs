using System.Text;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Wire;

public class HandshakeTests
{
    private static readonly InfoHash Hash = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");
    private static readonly PeerId Peer = PeerId.FromBytes(Encoding.ASCII.GetBytes("-LT2080-abcdefghijkl"));

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Handshake_round_trips_with_its_flags(bool extensions, bool fast)
    {
        var bytes = new Handshake(Hash, Peer, extensions, fast).ToArray();
        Assert.True(Handshake.TryParse(bytes, out var parsed, out var error), error);
        Assert.Null(error);
        Assert.Equal(Hash, parsed.InfoHash);
        Assert.Equal(Peer, parsed.PeerId);
        Assert.Equal(extensions, parsed.SupportsExtensions);
        Assert.Equal(fast, parsed.SupportsFast);
    }

    [Fact]
    public void Layout_is_the_BEP_3_layout_with_the_flag_bits_in_place()
    {
        var bytes = new byte[Handshake.Length + 5];
        new Handshake(Hash, Peer, supportsExtensions: true, supportsFast: true).WriteTo(bytes);
        Assert.Equal(19, bytes[0]);
        Assert.Equal("BitTorrent protocol", Encoding.ASCII.GetString(bytes, 1, 19));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0x10, 0, 0x04 }, bytes[20..28]);
        Assert.Equal(Hash.ToArray(), bytes[28..48]);
        Assert.Equal(Peer.ToArray(), bytes[48..68]);
    }

    [Fact]
    public void The_bep_52_v2_bit_is_reserved_7_and_0x10()
    {
        var bytes = new Handshake(Hash, Peer, Handshake.ExtensionBit | Handshake.FastBit | Handshake.V2Bit).ToArray();
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0x10, 0, 0x14 }, bytes[20..28]);
        Assert.True(Handshake.TryParse(bytes, out var parsed, out _));
        Assert.True(parsed.SupportsV2);
        bytes[27] = 0x05;                                   // libtorrent's answer on a v2 hash: DHT and fast, no v2 bit
        Assert.True(Handshake.TryParse(bytes, out parsed, out _));
        Assert.False(parsed.SupportsV2);
    }

    [Fact]
    public void Foreign_reserved_bits_are_kept()
    {
        var bytes = new Handshake(Hash, Peer, false, false).ToArray();
        bytes[20] = 0x80;
        bytes[27] = 0x05;
        Assert.True(Handshake.TryParse(bytes, out var parsed, out _));
        Assert.Equal(0x8000_0000_0000_0005UL, parsed.Reserved);
        Assert.True(parsed.SupportsFast);
        Assert.True(parsed.SupportsDht);
        Assert.False(parsed.SupportsExtensions);
        Assert.Equal(bytes, parsed.ToArray());
    }

    [Fact]
    public void Wrong_protocol_string_is_refused_with_a_named_error()
    {
        var bytes = new Handshake(Hash, Peer, false, false).ToArray();
        bytes[1] = (byte)'X';
        Assert.False(Handshake.TryParse(bytes, out _, out var error));
        Assert.Contains("XitTorrent protocol", error);

        var violation = Handshake.Parse(bytes, out _);
        Assert.Equal(ViolationKind.BadHandshake, violation!.Kind);
    }

    [Fact]
    public void Wrong_protocol_string_length_is_refused()
    {
        var bytes = new Handshake(Hash, Peer, false, false).ToArray();
        bytes[0] = 18;
        Assert.False(Handshake.TryParse(bytes, out _, out var error));
        Assert.Contains("length is 18", error);
    }

    [Fact]
    public void Short_input_is_refused()
    {
        var bytes = new Handshake(Hash, Peer, false, false).ToArray();
        Assert.False(Handshake.TryParse(bytes.AsSpan(0, 67), out _, out var error));
        Assert.Contains("68 bytes, got 67", error);
    }

    [Fact]
    public void Writing_into_a_short_destination_throws()
    {
        Assert.Throws<ArgumentException>(() => new Handshake(Hash, Peer, false, false).WriteTo(new byte[67]));
    }
}
