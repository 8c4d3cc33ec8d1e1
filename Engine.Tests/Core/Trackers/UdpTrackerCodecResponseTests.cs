using System.Buffers.Binary;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.Tests.Core.Trackers;

public class UdpTrackerCodecResponseTests
{
    private static IPEndPoint RandomPeer(Random rng, IpFamily family)
    {
        var bytes = new byte[family == IpFamily.V4 ? 4 : 16];
        rng.NextBytes(bytes);
        return new IPEndPoint(new IPAddress(bytes), rng.Next(1, 65536));
    }

    private static byte[] AnnounceResponse(int tx, IReadOnlyList<IPEndPoint> peers, IpFamily family, int interval = 1800, int leechers = 3, int seeders = 4)
    {
        var buffer = new byte[UdpTrackerCodec.AnnounceResponseLength(peers.Count, family)];
        var length = UdpTrackerCodec.WriteAnnounceResponse(buffer, tx, TimeSpan.FromSeconds(interval), leechers, seeders, peers, family);
        return buffer[..length];
    }

    [Fact]
    public void Connect_response_round_trips()
    {
        var packet = new byte[16];
        UdpTrackerCodec.WriteConnectResponse(packet, 99, -123456789012345);
        Assert.Equal(new UdpConnectResponse(99, -123456789012345), UdpTrackerCodec.ReadResponse(packet, UdpAction.Connect, 99));
    }

    [Theory]
    [InlineData(IpFamily.V4)]
    [InlineData(IpFamily.V6)]
    public void Random_announce_responses_round_trip(object ipFamily)
    {
        var family = (IpFamily)ipFamily;
        var rng = new Random((int)family);
        for (var i = 0; i < 500; i++)
        {
            var peers = Enumerable.Range(0, rng.Next(200)).Select(_ => RandomPeer(rng, family)).Distinct().ToList();
            var tx = rng.Next();
            var interval = rng.Next(0, int.MaxValue);
            var packet = AnnounceResponse(tx, peers, family, interval, rng.Next(0, int.MaxValue), rng.Next(0, int.MaxValue));
            var read = Assert.IsType<UdpAnnounceResponse>(UdpTrackerCodec.ReadResponse(packet, UdpAction.Announce, tx, family));
            Assert.Equal(TimeSpan.FromSeconds(interval), read.Interval);
            Assert.Equal(BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(12)), read.Leechers);
            Assert.Equal(BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(16)), read.Seeders);
            Assert.Equal(peers, read.Peers);
        }
    }

    [Fact]
    public void Announce_response_writes_only_peers_of_the_requests_family()
    {
        var rng = new Random(1);
        var v4 = RandomPeer(rng, IpFamily.V4);
        var v6 = RandomPeer(rng, IpFamily.V6);
        var packet = new byte[200];
        Assert.Equal(26, UdpTrackerCodec.WriteAnnounceResponse(packet, 1, TimeSpan.FromMinutes(1), 0, 0, [v4, v6], IpFamily.V4));
        Assert.Equal(38, UdpTrackerCodec.WriteAnnounceResponse(packet, 1, TimeSpan.FromMinutes(1), 0, 0, [v4, v6], IpFamily.V6));
        Assert.Equal([v6], Assert.IsType<UdpAnnounceResponse>(UdpTrackerCodec.ReadResponse(packet.AsSpan(0, 38), UdpAction.Announce, 1, IpFamily.V6)).Peers);
    }

    [Fact]
    public void Announce_response_drops_duplicate_and_port_0_peers()
    {
        var a = new IPEndPoint(IPAddress.Parse("1.2.3.4"), 5);
        var packet = AnnounceResponse(1, [a, new IPEndPoint(IPAddress.Parse("5.6.7.8"), 0), a], IpFamily.V4);
        Assert.Equal([a], Assert.IsType<UdpAnnounceResponse>(UdpTrackerCodec.ReadResponse(packet, UdpAction.Announce, 1)).Peers);
    }

    [Fact]
    public void Every_truncation_of_an_announce_response_is_an_error_or_a_shorter_whole_list()
    {
        var rng = new Random(2);
        foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
        {
            var entry = UdpTrackerCodec.PeerEntryLength(family);
            var peers = Enumerable.Range(0, 4).Select(_ => RandomPeer(rng, family)).ToList();
            var packet = AnnounceResponse(7, peers, family);
            for (var length = 0; length < packet.Length; length++)
            {
                var whole = length >= 20 && (length - 20) % entry == 0;
                if (whole)
                    Assert.Equal(peers.Take((length - 20) / entry), Assert.IsType<UdpAnnounceResponse>(UdpTrackerCodec.ReadResponse(packet.AsSpan(0, length), UdpAction.Announce, 7, family)).Peers);
                else
                    Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(packet.AsSpan(0, length), UdpAction.Announce, 7, family));
            }
        }
    }

    [Fact]
    public void Every_truncation_of_a_connect_response_is_an_error()
    {
        var packet = new byte[16];
        UdpTrackerCodec.WriteConnectResponse(packet, 3, 4);
        for (var length = 0; length < 16; length++)
            Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(packet.AsSpan(0, length), UdpAction.Connect, 3));
    }

    [Fact]
    public void Scrape_responses_round_trip_and_pair_with_the_requested_hashes()
    {
        var rng = new Random(3);
        for (var count = 0; count <= UdpTrackerCodec.MaxScrapeHashes; count++)
        {
            var entries = Enumerable.Range(0, count).Select(_ => new ScrapeStats(rng.Next(), rng.Next(), rng.Next(), null)).ToArray();
            var packet = new byte[8 + 12 * count];
            Assert.Equal(packet.Length, UdpTrackerCodec.WriteScrapeResponse(packet, count, entries));
            var read = Assert.IsType<UdpScrapeResponse>(UdpTrackerCodec.ReadResponse(packet, UdpAction.Scrape, count));
            Assert.Equal(entries, read.Entries);
            var hashes = Enumerable.Range(0, count).Select(i => InfoHash.FromBytes(Enumerable.Repeat((byte)i, 20).ToArray())).ToArray();
            var files = read.ToScrapeResponse(hashes).Files;
            for (var i = 0; i < count; i++) Assert.Equal(entries[i], files[hashes[i]]);
            Assert.Throws<TrackerException>(() => read.ToScrapeResponse(hashes.Append(hashes.FirstOrDefault()).ToArray()));
        }
    }

    [Fact]
    public void Every_truncation_of_a_scrape_response_is_an_error_or_fewer_whole_entries()
    {
        var entries = Enumerable.Range(1, 3).Select(i => new ScrapeStats(i, i * 10, i * 100, null)).ToArray();
        var packet = new byte[8 + 36];
        UdpTrackerCodec.WriteScrapeResponse(packet, 5, entries);
        for (var length = 0; length < packet.Length; length++)
        {
            if (length >= 8 && (length - 8) % 12 == 0)
                Assert.Equal(entries[..((length - 8) / 12)], Assert.IsType<UdpScrapeResponse>(UdpTrackerCodec.ReadResponse(packet.AsSpan(0, length), UdpAction.Scrape, 5)).Entries);
            else
                Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(packet.AsSpan(0, length), UdpAction.Scrape, 5));
        }
    }

    [Theory]
    [InlineData(UdpAction.Connect)]
    [InlineData(UdpAction.Announce)]
    [InlineData(UdpAction.Scrape)]
    public void Error_response_is_returned_for_any_expected_action(object action)
    {
        var expected = (UdpAction)action;
        var packet = new byte[100];
        var length = UdpTrackerCodec.WriteError(packet, 8, "torrent not registered");
        var error = Assert.IsType<UdpErrorResponse>(UdpTrackerCodec.ReadResponse(packet.AsSpan(0, length), expected, 8));
        Assert.Equal("torrent not registered", error.Message);
        Assert.Equal("torrent not registered", error.ToAnnounceResponse().FailureReason);
    }

    [Fact]
    public void Error_without_a_message_still_explains_itself_and_long_messages_are_cut()
    {
        var packet = new byte[2000];
        var length = UdpTrackerCodec.WriteError(packet, 8, "");
        Assert.Contains("without a message", Assert.IsType<UdpErrorResponse>(UdpTrackerCodec.ReadResponse(packet.AsSpan(0, length), UdpAction.Announce, 8)).Message);
        Assert.Equal(8 + 1024, UdpTrackerCodec.WriteError(packet, 8, new string('x', 5000)));
    }

    [Fact]
    public void A_response_for_another_transaction_is_a_typed_mismatch()
    {
        var packet = new byte[16];
        UdpTrackerCodec.WriteConnectResponse(packet, 1, 2);
        Assert.Equal(new UdpTransactionMismatch(1, 2), UdpTrackerCodec.ReadResponse(packet, UdpAction.Connect, 2));
        var error = new byte[20];
        UdpTrackerCodec.WriteError(error, 1, "x");
        Assert.IsType<UdpTransactionMismatch>(UdpTrackerCodec.ReadResponse(error, UdpAction.Announce, 2));
    }

    [Fact]
    public void A_response_of_another_action_is_an_error()
    {
        var packet = new byte[16];
        UdpTrackerCodec.WriteConnectResponse(packet, 1, 2);
        Assert.Contains("expected a UDP announce response, got connect",
            Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(packet, UdpAction.Announce, 1)).Message);
        BinaryPrimitives.WriteInt32BigEndian(packet, 9);
        Assert.Contains("unknown action 9", Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(packet, UdpAction.Connect, 1)).Message);
    }

    [Fact]
    public void Oversized_and_negative_responses_are_errors()
    {
        var big = new byte[UdpTrackerCodec.MaxResponseLength + 1];
        Assert.Contains("more than", Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(big, UdpAction.Connect, 0)).Message);
        var packet = AnnounceResponse(1, [], IpFamily.V4);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), -1);
        Assert.Contains("negative interval", Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(packet, UdpAction.Announce, 1)).Message);
        packet = AnnounceResponse(1, [], IpFamily.V4);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(16), -1);
        Assert.Contains("negative counts", Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(packet, UdpAction.Announce, 1)).Message);
        var scrape = new byte[20];
        UdpTrackerCodec.WriteScrapeResponse(scrape, 1, [new ScrapeStats(1, 1, 1, null)]);
        BinaryPrimitives.WriteInt32BigEndian(scrape.AsSpan(12), -1);
        Assert.Contains("negative counts", Assert.Throws<TrackerException>(() => UdpTrackerCodec.ReadResponse(scrape, UdpAction.Scrape, 1)).Message);
    }

    [Fact]
    public void Random_garbage_gives_only_tracker_exceptions()
    {
        var rng = new Random(4);
        var buffer = new byte[400];
        var actions = new[] { UdpAction.Connect, UdpAction.Announce, UdpAction.Scrape };
        for (var i = 0; i < 100_000; i++)
        {
            var length = rng.Next(buffer.Length);
            rng.NextBytes(buffer.AsSpan(0, length));
            if (length >= 8 && rng.Next(2) == 0)
            {
                BinaryPrimitives.WriteInt32BigEndian(buffer, rng.Next(4));
                BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(4), 1);
            }
            try
            {
                UdpTrackerCodec.ReadResponse(buffer.AsSpan(0, length), actions[rng.Next(3)], 1,
                    rng.Next(2) == 0 ? IpFamily.V4 : IpFamily.V6);
            }
            catch (TrackerException)
            {
            }
        }
    }

    [Fact]
    public void Announce_response_converts_to_the_shared_announce_response()
    {
        var peer = new IPEndPoint(IPAddress.Loopback, 6881);
        var converted = new UdpAnnounceResponse(1, TimeSpan.FromMinutes(30), 2, 3, [peer]).ToAnnounceResponse();
        Assert.False(converted.IsFailure);
        Assert.Equal(TimeSpan.FromMinutes(30), converted.Interval);
        Assert.Equal(3, converted.Complete);
        Assert.Equal(2, converted.Incomplete);
        Assert.Equal([peer], converted.Peers);
    }

    [Fact]
    public void Reader_refuses_a_non_request_action()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UdpTrackerCodec.ReadResponse(new byte[16], UdpAction.Error, 0));
    }
}
