using System.Buffers.Binary;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.Tests.Core.Trackers;

public class UdpTrackerCodecRequestTests
{
    private static InfoHash Hash(Random rng)
    {
        var bytes = new byte[20];
        rng.NextBytes(bytes);
        return InfoHash.FromBytes(bytes);
    }

    private static PeerId Peer(Random rng)
    {
        var bytes = new byte[20];
        rng.NextBytes(bytes);
        return PeerId.FromBytes(bytes);
    }

    internal static AnnounceRequest RandomAnnounce(Random rng) => new(
        Hash(rng), Peer(rng), rng.Next(1, 65536),
        Uploaded: rng.Next(3) == 0 ? long.MaxValue : rng.NextInt64(0, long.MaxValue),
        Downloaded: rng.NextInt64(0, 1L << 40),
        Left: rng.Next(3) == 0 ? 0 : rng.NextInt64(0, long.MaxValue),
        Event: (AnnounceEvent)rng.Next(4),
        NumWant: rng.Next(3) == 0 ? -1 : rng.Next(0, 500),
        Key: (uint)rng.NextInt64(0, 1L << 32),
        Ip: rng.Next(2) == 0 ? null : $"{rng.Next(1, 256)}.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(256)}");

    private static byte[] Announce(AnnounceRequest request, long connectionId = 0x1122334455667788, int tx = 42)
    {
        var packet = new byte[UdpTrackerCodec.AnnounceRequestLength];
        Assert.Equal(98, UdpTrackerCodec.WriteAnnounceRequest(packet, connectionId, tx, request));
        return packet;
    }

    private static UdpRequest Read(ReadOnlySpan<byte> packet)
    {
        Assert.True(UdpTrackerCodec.TryReadRequest(packet, out var request));
        return request!;
    }

    [Fact]
    public void Connect_request_has_the_protocol_id_action_0_and_the_transaction_id()
    {
        var packet = new byte[16];
        Assert.Equal(16, UdpTrackerCodec.WriteConnectRequest(packet, 0x7eadbeef));
        Assert.Equal("0000041727101980000000007EADBEEF", Convert.ToHexString(packet));
        Assert.Equal(new UdpConnectRequest(0x7eadbeef), Read(packet));
    }

    [Fact]
    public void Connect_request_with_a_wrong_protocol_id_is_dropped()
    {
        var packet = new byte[16];
        UdpTrackerCodec.WriteConnectRequest(packet, 1);
        packet[7] ^= 1;
        Assert.False(UdpTrackerCodec.TryReadRequest(packet, out _));
    }

    [Fact]
    public void Announce_request_layout_matches_bep_15()
    {
        var hash = InfoHash.FromHex("0102030405060708090a0b0c0d0e0f1011121314");
        var peer = PeerId.FromBytes("-AK0100-abcdefghijkl"u8);
        var packet = Announce(new AnnounceRequest(hash, peer, 6881, Uploaded: 3, Downloaded: 2, Left: 1,
            AnnounceEvent.Started, NumWant: 50, Key: 0xCAFEBABE, Ip: "10.1.2.3"), connectionId: 7, tx: 9);
        Assert.Equal(7, BinaryPrimitives.ReadInt64BigEndian(packet));
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(8)));
        Assert.Equal(9, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(12)));
        Assert.Equal(hash.ToArray(), packet[16..36]);
        Assert.Equal(peer.ToArray(), packet[36..56]);
        Assert.Equal(2, BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(56)));
        Assert.Equal(1, BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(64)));
        Assert.Equal(3, BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(72)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(80))); // started = 2 in BEP 15
        Assert.Equal(new byte[] { 10, 1, 2, 3 }, packet[84..88]);
        Assert.Equal(0xCAFEBABE, BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(88)));
        Assert.Equal(50, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(92)));
        Assert.Equal(6881, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(96)));
    }

    [Theory]
    [InlineData(AnnounceEvent.None, 0)]
    [InlineData(AnnounceEvent.Completed, 1)]
    [InlineData(AnnounceEvent.Started, 2)]
    [InlineData(AnnounceEvent.Stopped, 3)]
    public void Events_use_the_bep_15_numbers(object announced, int code) => Assert.Equal(code, UdpTrackerCodec.EventCode((AnnounceEvent)announced));

    [Fact]
    public void Random_announce_requests_round_trip()
    {
        var rng = new Random(15);
        for (var i = 0; i < 2000; i++)
        {
            var request = RandomAnnounce(rng);
            var connectionId = rng.NextInt64(long.MinValue, long.MaxValue);
            var tx = rng.Next(int.MinValue, int.MaxValue);
            var read = Assert.IsType<UdpAnnounceRequest>(Read(Announce(request, connectionId, tx)));
            Assert.Equal(connectionId, read.ConnectionId);
            Assert.Equal(tx, read.TransactionId);
            Assert.Equal(request with { Compact = true, TrackerId = null }, read.Announce);
        }
    }

    [Fact]
    public void Announce_with_bep_41_options_after_the_fixed_part_is_accepted()
    {
        var request = RandomAnnounce(new Random(1)) with { Event = AnnounceEvent.Started };
        var packet = Announce(request).Concat(new byte[] { 2, 9 }).Concat("/announce"u8.ToArray()).Concat(new byte[] { 0 }).ToArray();
        Assert.Equal(request, Assert.IsType<UdpAnnounceRequest>(Read(packet)).Announce);
    }

    [Fact]
    public void Every_truncation_of_an_announce_is_dropped()
    {
        var packet = Announce(RandomAnnounce(new Random(2)));
        for (var length = 0; length < packet.Length; length++)
            Assert.False(UdpTrackerCodec.TryReadRequest(packet.AsSpan(0, length), out _), $"length {length}");
    }

    [Fact]
    public void Every_truncation_of_a_connect_is_dropped()
    {
        var packet = new byte[16];
        UdpTrackerCodec.WriteConnectRequest(packet, 5);
        for (var length = 0; length < packet.Length; length++)
            Assert.False(UdpTrackerCodec.TryReadRequest(packet.AsSpan(0, length), out _), $"length {length}");
    }

    [Fact]
    public void Scrape_requests_round_trip_for_1_to_74_hashes()
    {
        var rng = new Random(3);
        for (var count = 1; count <= UdpTrackerCodec.MaxScrapeHashes; count++)
        {
            var hashes = Enumerable.Range(0, count).Select(_ => Hash(rng)).ToArray();
            var packet = new byte[16 + 20 * count];
            Assert.Equal(packet.Length, UdpTrackerCodec.WriteScrapeRequest(packet, 77, count, hashes));
            var read = Assert.IsType<UdpScrapeRequest>(Read(packet));
            Assert.Equal(77, read.ConnectionId);
            Assert.Equal(count, read.TransactionId);
            Assert.Equal(hashes, read.InfoHashes);
        }
    }

    [Fact]
    public void Truncated_scrapes_are_dropped_unless_they_end_on_a_whole_hash()
    {
        var rng = new Random(4);
        var hashes = Enumerable.Range(0, 5).Select(_ => Hash(rng)).ToArray();
        var packet = new byte[16 + 100];
        UdpTrackerCodec.WriteScrapeRequest(packet, 1, 2, hashes);
        for (var length = 0; length < packet.Length; length++)
        {
            var ok = UdpTrackerCodec.TryReadRequest(packet.AsSpan(0, length), out var request);
            var whole = length > 16 && (length - 16) % 20 == 0;
            Assert.Equal(whole, ok);
            if (whole) Assert.Equal(hashes[..((length - 16) / 20)], Assert.IsType<UdpScrapeRequest>(request).InfoHashes);
        }
    }

    [Fact]
    public void Scrape_of_more_than_74_hashes_cannot_be_written_and_is_dropped_when_read()
    {
        var hashes = Enumerable.Repeat(Hash(new Random(5)), 75).ToArray();
        Assert.Throws<ArgumentOutOfRangeException>(() => UdpTrackerCodec.WriteScrapeRequest(new byte[2000], 1, 1, hashes));
        var packet = new byte[16 + 75 * 20];
        UdpTrackerCodec.WriteScrapeRequest(packet, 1, 1, hashes[..74]);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), 2);
        Assert.False(UdpTrackerCodec.TryReadRequest(packet, out _));
    }

    [Fact]
    public void Oversized_packets_are_dropped()
    {
        var packet = Announce(RandomAnnounce(new Random(6))).Concat(new byte[UdpTrackerCodec.MaxRequestLength]).ToArray();
        Assert.False(UdpTrackerCodec.TryReadRequest(packet, out _));
        Assert.True(UdpTrackerCodec.TryReadRequest(packet.AsSpan(0, UdpTrackerCodec.MaxRequestLength), out _));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Unknown_actions_are_dropped(int action)
    {
        var packet = Announce(RandomAnnounce(new Random(7)));
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), action);
        Assert.False(UdpTrackerCodec.TryReadRequest(packet, out _));
    }

    [Theory]
    [InlineData(80, 4, "unknown event 4")]
    [InlineData(80, -1, "unknown event -1")]
    [InlineData(64, -5, "must not be negative")]
    public void Announce_with_invalid_fields_is_an_invalid_request_with_its_transaction_id(int offset, int value, string problem)
    {
        var packet = Announce(RandomAnnounce(new Random(8)), tx: 1234);
        if (offset == 64) BinaryPrimitives.WriteInt64BigEndian(packet.AsSpan(offset), value);
        else BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(offset), value);
        var invalid = Assert.IsType<UdpInvalidRequest>(Read(packet));
        Assert.Equal(1234, invalid.TransactionId);
        Assert.Contains(problem, invalid.Problem);
    }

    [Fact]
    public void Announce_for_port_0_is_an_invalid_request()
    {
        var packet = Announce(RandomAnnounce(new Random(9)));
        packet[96] = packet[97] = 0;
        Assert.Contains("port 0", Assert.IsType<UdpInvalidRequest>(Read(packet)).Problem);
    }

    [Fact]
    public void Negative_numwant_reads_as_the_default()
    {
        var packet = Announce(RandomAnnounce(new Random(10)));
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(92), -77);
        Assert.Equal(-1, Assert.IsType<UdpAnnounceRequest>(Read(packet)).Announce.NumWant);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var rng = new Random(11);
        var buffer = new byte[UdpTrackerCodec.MaxRequestLength + 10];
        for (var i = 0; i < 100_000; i++)
        {
            var length = rng.Next(4) == 0 ? rng.Next(buffer.Length) : rng.Next(120);
            rng.NextBytes(buffer.AsSpan(0, length));
            if (rng.Next(2) == 0 && length >= 16) BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(8), rng.Next(4));
            if (rng.Next(4) == 0 && length >= 16) BinaryPrimitives.WriteInt64BigEndian(buffer, UdpTrackerCodec.ProtocolId);
            UdpTrackerCodec.TryReadRequest(buffer.AsSpan(0, length), out _);
        }
    }

    [Fact]
    public void Writers_refuse_a_destination_that_is_too_small()
    {
        var request = RandomAnnounce(new Random(12));
        Assert.Throws<ArgumentException>(() => UdpTrackerCodec.WriteConnectRequest(new byte[15], 1));
        Assert.Throws<ArgumentException>(() => UdpTrackerCodec.WriteAnnounceRequest(new byte[97], 1, 1, request));
        Assert.Throws<ArgumentException>(() => UdpTrackerCodec.WriteScrapeRequest(new byte[35], 1, 1, [request.InfoHash]));
    }

    [Fact]
    public void Announce_writer_refuses_negative_counts_and_bad_ports()
    {
        var request = RandomAnnounce(new Random(13));
        Assert.Throws<ArgumentOutOfRangeException>(() => UdpTrackerCodec.WriteAnnounceRequest(new byte[98], 1, 1, request with { Left = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => UdpTrackerCodec.WriteAnnounceRequest(new byte[98], 1, 1, request with { Port = 70000 }));
    }

    [Fact]
    public void Ipv6_or_unparsable_ip_is_written_as_0()
    {
        var request = RandomAnnounce(new Random(14)) with { Ip = "::1" };
        Assert.Null(Assert.IsType<UdpAnnounceRequest>(Read(Announce(request))).Announce.Ip);
        Assert.Null(Assert.IsType<UdpAnnounceRequest>(Read(Announce(request with { Ip = "not an ip" }))).Announce.Ip);
    }
}
