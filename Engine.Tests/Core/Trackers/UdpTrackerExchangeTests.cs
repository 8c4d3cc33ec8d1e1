using System.Buffers.Binary;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.Tests.Core.Trackers;

public sealed class UdpTrackerExchangeTests
{
    private static readonly IPEndPoint Tracker = new(IPAddress.Loopback, 6969);
    private static readonly IPEndPoint Tracker6 = new(IPAddress.IPv6Loopback, 6969);
    private static readonly InfoHash Hash = InfoHash.FromHex("00112233445566778899aabbccddeeff00112233");
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly UdpRetryPolicy Policy = new(TimeSpan.FromSeconds(15), 8);

    private static AnnounceRequest Request(AnnounceEvent e = AnnounceEvent.Started) =>
        new(Hash, PeerId.FromBytes("-EN0001-abcdefghijkl"u8), 51413, 1, 2, 3, e, NumWant: 40, Key: 0xCAFEBABE);

    private static UdpTrackerExchange Announce(UdpConnectionCache cache, UdpRetryPolicy? policy = null, IPEndPoint? tracker = null, int seed = 1) =>
        UdpTrackerExchange.ForAnnounce(tracker ?? Tracker, Request(), cache, policy ?? Policy, new Random(seed));

    private static UdpConnectionCache Cache() => new(TimeSpan.FromMinutes(1));

    private static int Tx(byte[] packet) => BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(12));
    private static int Action(byte[] packet) => BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(8));
    private static long ConnectionId(byte[] packet) => BinaryPrimitives.ReadInt64BigEndian(packet);

    private static byte[] ConnectAnswer(int tx, long id)
    {
        var b = new byte[16];
        UdpTrackerCodec.WriteConnectResponse(b, tx, id);
        return b;
    }

    private static byte[] AnnounceAnswer(int tx, IpFamily family, params IPEndPoint[] peers)
    {
        var b = new byte[UdpTrackerCodec.AnnounceResponseLength(peers.Length, family)];
        UdpTrackerCodec.WriteAnnounceResponse(b, tx, TimeSpan.FromMinutes(30), 5, 7, peers, family);
        return b;
    }

    private static byte[] ErrorAnswer(int tx, string message)
    {
        var b = new byte[8 + message.Length];
        UdpTrackerCodec.WriteError(b, tx, message);
        return b;
    }

    [Fact]
    public void A_first_announce_connects_then_announces_with_the_issued_id_key_numwant_and_port()
    {
        var cache = Cache();
        var x = Announce(cache);
        var connect = Assert.IsType<UdpSendStep>(x.Start(T0));
        Assert.Equal(16, connect.Packet.Length);
        Assert.Equal(UdpTrackerCodec.ProtocolId, ConnectionId(connect.Packet));
        Assert.Equal(0, Action(connect.Packet));
        Assert.Equal(TimeSpan.FromSeconds(15), connect.Timeout);

        var announce = Assert.IsType<UdpSendStep>(x.OnPacket(ConnectAnswer(Tx(connect.Packet), 0x1234567890), T0.AddSeconds(1)));
        Assert.Equal(UdpTrackerCodec.AnnounceRequestLength, announce.Packet.Length);
        Assert.True(UdpTrackerCodec.TryReadRequest(announce.Packet, out var read));
        var request = Assert.IsType<UdpAnnounceRequest>(read);
        Assert.Equal(0x1234567890, request.ConnectionId);
        Assert.Equal(x.TransactionId, request.TransactionId);
        Assert.NotEqual(Tx(connect.Packet), request.TransactionId);
        Assert.Equal(Request() with { Ip = null }, request.Announce);

        var peer = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 6881);
        var done = Assert.IsType<UdpAnnouncedStep>(x.OnPacket(AnnounceAnswer(request.TransactionId, IpFamily.V4, peer), T0.AddSeconds(2)));
        Assert.Equal([peer], done.Response.Peers);
        Assert.Equal(7, done.Response.Complete);
        Assert.Equal(5, done.Response.Incomplete);
        Assert.Equal(TimeSpan.FromMinutes(30), done.Response.Interval);
        Assert.True(x.IsFinished);
        Assert.Equal(2, x.PacketsSent);
    }

    [Fact]
    public void A_connection_id_is_reused_for_less_than_its_lifetime_and_then_asked_for_again()
    {
        var cache = Cache();
        var first = Announce(cache);
        var c = (UdpSendStep)first.Start(T0);
        first.OnPacket(ConnectAnswer(Tx(c.Packet), 77), T0);

        var second = Announce(cache, seed: 2);
        var direct = Assert.IsType<UdpSendStep>(second.Start(T0.AddSeconds(59)));
        Assert.Equal(1, Action(direct.Packet));
        Assert.Equal(77, ConnectionId(direct.Packet));

        var third = Announce(cache, seed: 3);
        var again = Assert.IsType<UdpSendStep>(third.Start(T0.AddSeconds(60)));
        Assert.Equal(0, Action(again.Packet));
    }

    [Fact]
    public void Unanswered_packets_are_sent_again_after_15_times_2_to_the_n_seconds_and_the_exchange_gives_up_after_the_last()
    {
        var policy = new UdpRetryPolicy(TimeSpan.FromSeconds(15), 3);
        var x = Announce(Cache(), policy);
        var first = (UdpSendStep)x.Start(T0);
        var now = T0;
        var waits = new List<double> { first.Timeout.TotalSeconds };
        for (var i = 0; i < 3; i++)
        {
            now += TimeSpan.FromSeconds(waits[^1]);
            var again = Assert.IsType<UdpSendStep>(x.OnTimeout(now));
            Assert.Equal(first.Packet, again.Packet); // the same request, the same transaction
            Assert.Equal(Tx(first.Packet), x.TransactionId);
            waits.Add(again.Timeout.TotalSeconds);
        }
        Assert.Equal([15.0, 30, 60, 120], waits);
        var failed = Assert.IsType<UdpFailedStep>(x.OnTimeout(now + TimeSpan.FromSeconds(120)));
        Assert.Contains("no answer", failed.Error);
        Assert.Contains("4 packet(s)", failed.Error);
        Assert.Contains("225 s", failed.Error);
        Assert.True(x.IsFinished);
        Assert.IsType<UdpWaitStep>(x.OnTimeout(now));
    }

    [Fact]
    public void A_late_answer_to_a_retransmitted_request_is_still_accepted()
    {
        var x = Announce(Cache());
        var c = (UdpSendStep)x.Start(T0);
        x.OnTimeout(T0.AddSeconds(15));
        var a = Assert.IsType<UdpSendStep>(x.OnPacket(ConnectAnswer(Tx(c.Packet), 5), T0.AddSeconds(16)));
        Assert.Equal(1, Action(a.Packet));
        Assert.Equal(TimeSpan.FromSeconds(30), a.Timeout); // n counts over the whole exchange
    }

    [Fact]
    public void A_request_whose_connection_id_expired_while_waiting_reconnects_instead_of_retransmitting()
    {
        var cache = Cache();
        var x = Announce(cache);
        var c = (UdpSendStep)x.Start(T0);
        var request = (UdpSendStep)x.OnPacket(ConnectAnswer(Tx(c.Packet), 5), T0.AddSeconds(10));
        Assert.Equal(request.Packet, Assert.IsType<UdpSendStep>(x.OnTimeout(T0.AddSeconds(25))).Packet);
        Assert.Equal(request.Packet, Assert.IsType<UdpSendStep>(x.OnTimeout(T0.AddSeconds(55))).Packet);
        var retry = Assert.IsType<UdpSendStep>(x.OnTimeout(T0.AddSeconds(115))); // the id from T0+10 is over a minute old
        Assert.Equal(0, Action(retry.Packet));
        Assert.Equal(UdpTrackerCodec.ProtocolId, ConnectionId(retry.Packet));
        Assert.Equal(TimeSpan.FromSeconds(120), retry.Timeout);
        var retry2 = Assert.IsType<UdpSendStep>(x.OnTimeout(T0.AddSeconds(235)));
        Assert.Equal(retry.Packet, retry2.Packet);
        Assert.Equal(TimeSpan.FromSeconds(240), retry2.Timeout);
    }

    [Fact]
    public void Packets_of_other_transactions_are_ignored_even_when_garbage()
    {
        var x = Announce(Cache());
        var c = (UdpSendStep)x.Start(T0);
        var tx = Tx(c.Packet);
        Assert.IsType<UdpWaitStep>(x.OnPacket(ConnectAnswer(tx + 1, 5), T0));
        var garbage = new byte[30];
        new Random(3).NextBytes(garbage);
        BinaryPrimitives.WriteInt32BigEndian(garbage.AsSpan(4), tx ^ 0x5555);
        Assert.IsType<UdpWaitStep>(x.OnPacket(garbage, T0));
        Assert.False(x.IsFinished);
        Assert.IsType<UdpSendStep>(x.OnPacket(ConnectAnswer(tx, 5), T0));
    }

    [Fact]
    public void A_malformed_answer_of_our_transaction_fails_the_exchange_with_the_codecs_reason()
    {
        var x = Announce(Cache());
        var c = (UdpSendStep)x.Start(T0);
        var a = (UdpSendStep)x.OnPacket(ConnectAnswer(Tx(c.Packet), 5), T0);
        var truncated = AnnounceAnswer(Tx(a.Packet), IpFamily.V4, new IPEndPoint(IPAddress.Loopback, 1))[..23];
        var failed = Assert.IsType<UdpFailedStep>(x.OnPacket(truncated, T0));
        Assert.Contains("not a multiple of 6", failed.Error);
    }

    [Fact]
    public void An_error_to_a_fresh_connection_is_the_answer()
    {
        var x = Announce(Cache());
        var c = (UdpSendStep)x.Start(T0);
        var a = (UdpSendStep)x.OnPacket(ConnectAnswer(Tx(c.Packet), 5), T0);
        var done = Assert.IsType<UdpAnnouncedStep>(x.OnPacket(ErrorAnswer(Tx(a.Packet), "torrent not registered"), T0));
        Assert.Equal("torrent not registered", done.Response.FailureReason);
    }

    [Fact]
    public void An_error_to_a_connect_is_the_answer()
    {
        var x = Announce(Cache());
        var c = (UdpSendStep)x.Start(T0);
        var done = Assert.IsType<UdpAnnouncedStep>(x.OnPacket(ErrorAnswer(Tx(c.Packet), "go away"), T0));
        Assert.Equal("go away", done.Response.FailureReason);
    }

    [Fact]
    public void An_error_to_a_reused_connection_id_drops_it_and_reconnects_once()
    {
        var cache = Cache();
        cache.Store(Tracker, 42, T0);
        var x = Announce(cache);
        var a = (UdpSendStep)x.Start(T0.AddSeconds(10));
        Assert.Equal(42, ConnectionId(a.Packet));
        var c = Assert.IsType<UdpSendStep>(x.OnPacket(ErrorAnswer(Tx(a.Packet), "bad connection id"), T0.AddSeconds(10)));
        Assert.Equal(0, Action(c.Packet));
        Assert.False(cache.TryGet(Tracker, T0.AddSeconds(10), out _));
        var a2 = (UdpSendStep)x.OnPacket(ConnectAnswer(Tx(c.Packet), 43), T0.AddSeconds(11));
        Assert.Equal(43, ConnectionId(a2.Packet));
        var done = Assert.IsType<UdpAnnouncedStep>(x.OnPacket(ErrorAnswer(Tx(a2.Packet), "bad connection id"), T0.AddSeconds(11)));
        Assert.Equal("bad connection id", done.Response.FailureReason);
    }

    [Fact]
    public void Announces_over_IPv6_read_18_byte_peer_entries()
    {
        var x = Announce(Cache(), tracker: Tracker6);
        var c = (UdpSendStep)x.Start(T0);
        var a = (UdpSendStep)x.OnPacket(ConnectAnswer(Tx(c.Packet), 9), T0);
        var peer = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 7000);
        var done = Assert.IsType<UdpAnnouncedStep>(x.OnPacket(AnnounceAnswer(Tx(a.Packet), IpFamily.V6, peer), T0));
        Assert.Equal([peer], done.Response.Peers);
    }

    [Fact]
    public void A_scrape_pairs_the_counts_with_the_requested_hashes()
    {
        var other = InfoHash.FromHex("ffeeddccbbaa99887766554433221100ffeeddcc");
        var x = UdpTrackerExchange.ForScrape(Tracker, [Hash, other], Cache(), Policy, new Random(1));
        var c = (UdpSendStep)x.Start(T0);
        var s = Assert.IsType<UdpSendStep>(x.OnPacket(ConnectAnswer(Tx(c.Packet), 9), T0));
        Assert.True(UdpTrackerCodec.TryReadRequest(s.Packet, out var read));
        Assert.Equal([Hash, other], Assert.IsType<UdpScrapeRequest>(read).InfoHashes);
        var answer = new byte[8 + 24];
        UdpTrackerCodec.WriteScrapeResponse(answer, Tx(s.Packet), [new ScrapeStats(1, 2, 3, null), new ScrapeStats(4, 5, 6, null)]);
        var done = Assert.IsType<UdpScrapedStep>(x.OnPacket(answer, T0));
        Assert.Equal(new ScrapeStats(4, 5, 6, null), done.Response.Files[other]);
        Assert.Equal(new ScrapeStats(1, 2, 3, null), done.Response.Files[Hash]);
    }

    [Fact]
    public void A_scrape_answer_with_the_wrong_number_of_entries_fails()
    {
        var x = UdpTrackerExchange.ForScrape(Tracker, [Hash], Cache(), Policy, new Random(1));
        var c = (UdpSendStep)x.Start(T0);
        var s = (UdpSendStep)x.OnPacket(ConnectAnswer(Tx(c.Packet), 9), T0);
        var answer = new byte[8 + 24];
        UdpTrackerCodec.WriteScrapeResponse(answer, Tx(s.Packet), [new ScrapeStats(1, 2, 3, null), new ScrapeStats(4, 5, 6, null)]);
        Assert.Contains("2 entries for 1", Assert.IsType<UdpFailedStep>(x.OnPacket(answer, T0)).Error);
    }

    [Fact]
    public void Random_packets_never_throw_and_the_exchange_always_ends_within_its_retransmissions()
    {
        var rng = new Random(11);
        for (var round = 0; round < 2000; round++)
        {
            var x = Announce(Cache(), new UdpRetryPolicy(TimeSpan.FromSeconds(1), 2), seed: round);
            var step = x.Start(T0);
            var now = T0;
            for (var i = 0; i < 40 && !x.IsFinished; i++)
            {
                if (rng.Next(4) == 0)
                {
                    now = now.AddSeconds(5);
                    step = x.OnTimeout(now);
                    continue;
                }
                var packet = new byte[rng.Next(0, 120)];
                rng.NextBytes(packet);
                if (packet.Length >= 8 && rng.Next(2) == 0) BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), x.TransactionId);
                if (packet.Length >= 4 && rng.Next(2) == 0) BinaryPrimitives.WriteInt32BigEndian(packet, rng.Next(4));
                step = x.OnPacket(packet, now);
            }
            for (var i = 0; i < 5 && !x.IsFinished; i++) step = x.OnTimeout(now = now.AddSeconds(5));
            Assert.True(x.IsFinished, $"round {round} did not finish");
            Assert.True(step is UdpAnnouncedStep or UdpFailedStep or UdpWaitStep, step.GetType().Name);
        }
    }
}
