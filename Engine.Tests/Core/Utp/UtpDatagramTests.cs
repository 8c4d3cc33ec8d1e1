using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

public sealed class UtpDatagramTests
{
    [Fact]
    public void A_header_survives_a_round_trip_in_network_byte_order()
    {
        var header = new UtpHeader(UtpPacketType.Data, 0, 0xBEEF, 0x01020304, 0xA0B0C0D0, 1 << 20, 65535, 7);
        var bytes = new byte[UtpHeader.Size];
        header.Write(bytes);
        Assert.Equal(0x01, bytes[0]); // type 0 in the high nibble, version 1 in the low one
        Assert.Equal(new byte[] { 0xBE, 0xEF }, bytes[2..4]);
        Assert.True(UtpHeader.TryRead(bytes, out var back));
        Assert.Equal(header, back);
    }

    [Fact]
    public void A_selective_ack_extension_is_found_and_unknown_extensions_are_skipped()
    {
        var packet = new byte[UtpHeader.Size + 2 + 3 + 2 + 4 + 5];
        new UtpHeader(UtpPacketType.State, 9, 1, 0, 0, 0, 1, 1).Write(packet);
        packet[20] = 1; packet[21] = 3;                  // unknown extension 9, 3 bytes, then a selective ACK
        packet[25] = 0; packet[26] = 4;
        packet[27] = 0b101;
        Assert.True(UtpDatagram.TryParse(packet, out var d));
        Assert.Equal(new byte[] { 0b101, 0, 0, 0 }, d.SelectiveAck.ToArray());
        Assert.Equal(5, d.Payload.Length);
    }

    [Fact]
    public void A_selective_ack_of_a_length_that_is_not_a_multiple_of_4_is_taken_as_libtorrent_sends_it()
    {
        // libtorrent 2.0 sends as many bytes as the bitmask needs: ack_nr 6426 with "ffff02" (24 bits) was seen on a lossy link.
        var packet = new byte[UtpHeader.Size + 2 + 3];
        new UtpHeader(UtpPacketType.State, 1, 1, 0, 0, 1 << 20, 25258, 6426).Write(packet);
        packet[20] = 0; packet[21] = 3;
        packet[22] = 0xff; packet[23] = 0xff; packet[24] = 0x02;
        Assert.True(UtpDatagram.TryParse(packet, out var d));
        Assert.Equal(6426, d.Header.AckNr);
        Assert.Equal(new byte[] { 0xff, 0xff, 0x02 }, d.SelectiveAck.ToArray());
        Assert.True(d.Payload.IsEmpty);
    }

    [Theory]
    [InlineData(new byte[] { 0x01 })]                               // too short
    [InlineData(new byte[] { 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // version 2
    [InlineData(new byte[] { 0x51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // type 5
    [InlineData(new byte[] { 0x21, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 1 })] // extension runs past the end
    public void Malformed_datagrams_are_refused(byte[] packet) => Assert.False(UtpDatagram.TryParse(packet, out _));

    [Fact]
    public void Random_bytes_never_throw_and_never_parse_past_their_end()
    {
        var rng = new Random(29);
        for (var i = 0; i < 20_000; i++)
        {
            var packet = new byte[rng.Next(0, 80)];
            rng.NextBytes(packet);
            if (packet.Length > 0 && rng.Next(2) == 0) packet[0] = (byte)((rng.Next(5) << 4) | 1);
            if (UtpDatagram.TryParse(packet, out var d))
                Assert.True(UtpHeader.Size + d.SelectiveAck.Length + d.Payload.Length <= packet.Length);
        }
    }

    [Fact]
    public void Sequence_numbers_compare_across_the_wrap()
    {
        Assert.True(SeqNr.Before(65535, 2));
        Assert.False(SeqNr.Before(2, 65535));
        Assert.False(SeqNr.Before(5, 5));
        Assert.Equal(3, SeqNr.Distance(65535, 2));
    }
}
