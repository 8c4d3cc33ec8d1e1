using System.Net;
using System.Text;
using Engine.Core.Dht;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Dht;

/// <summary>The KRPC codec against BEP 5's example packets, round trips, and garbage.</summary>
public sealed class KrpcCodecTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);
    private static NodeId Id(string twenty) => NodeId.FromBytes(B(twenty));

    [Fact]
    public void The_bep_5_examples_decode()
    {
        var ping = Assert.IsType<PingQuery>(KrpcCodec.Decode(B("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe")));
        Assert.Equal(B("aa"), ping.Transaction);
        Assert.Equal(Id("abcdefghij0123456789"), ping.Sender);

        var pong = Assert.IsType<KrpcResponse>(KrpcCodec.Decode(B("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re")));
        Assert.Equal(Id("mnopqrstuvwxyz123456"), pong.Responder);

        var find = Assert.IsType<FindNodeQuery>(KrpcCodec.Decode(B("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe")));
        Assert.Equal(Id("mnopqrstuvwxyz123456"), find.Target);

        var get = Assert.IsType<GetPeersQuery>(KrpcCodec.Decode(B("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe")));
        Assert.Equal(InfoHash.FromBytes(B("mnopqrstuvwxyz123456")), get.InfoHash);

        var peers = Assert.IsType<KrpcResponse>(KrpcCodec.Decode(B("d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re")));
        Assert.Equal(B("aoeusnth"), peers.Token);
        Assert.Equal(2, peers.Values.Count);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("97.120.106.101"), ('.' << 8) | 'u'), peers.Values[0]);

        var announce = Assert.IsType<AnnouncePeerQuery>(KrpcCodec.Decode(B("d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe")));
        Assert.Equal((6881, true), (announce.Port, announce.ImpliedPort));
        Assert.Equal(B("aoeusnth"), announce.Token);

        var error = Assert.IsType<KrpcError>(KrpcCodec.Decode(B("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee")));
        Assert.Equal((201, "A Generic Error Ocurred"), (error.Code, error.Message));
    }

    [Fact]
    public void Unknown_keys_are_ignored_and_unknown_methods_are_kept_by_name()
    {
        var q = KrpcCodec.Decode(B("d1:ad2:id20:abcdefghij01234567895:extrai1ee1:q11:sample_info3:zzz3:abc1:t2:aa1:y1:qe"));
        Assert.Equal("sample_info", Assert.IsType<UnknownQuery>(q).Name);
    }

    [Fact]
    public void Every_message_kind_round_trips_with_nodes_peers_tokens_and_the_reported_address()
    {
        var rng = new Random(5);
        var v4 = Enumerable.Range(0, 8).Select(i => new DhtContact(NodeId.Random(rng), new IPEndPoint(IPAddress.Parse($"10.0.0.{i + 1}"), 6881 + i))).ToList();
        var v6 = Enumerable.Range(0, 3).Select(i => new DhtContact(NodeId.Random(rng), new IPEndPoint(IPAddress.Parse($"2001:db8::{i + 1}"), 7000 + i))).ToList();
        var me = NodeId.Random(rng);
        var hash = NodeId.Random(rng).ToInfoHash();
        KrpcMessage[] messages =
        [
            new PingQuery([1, 2], me) { ReadOnly = true },
            new FindNodeQuery([3], me, NodeId.Random(rng)),
            new GetPeersQuery([4, 5], me, hash),
            new AnnouncePeerQuery([6, 7], me, hash, 51413, false, [9, 9, 9]) { Seed = true },
            new KrpcResponse([8, 9], me) { Nodes = v4, Nodes6 = v6, Token = [1, 2, 3, 4], ReportedAddress = new IPEndPoint(IPAddress.Parse("1.2.3.4"), 5) },
            new KrpcResponse([10], me) { Values = [new IPEndPoint(IPAddress.Parse("5.6.7.8"), 9), new IPEndPoint(IPAddress.Parse("2001:db8::9"), 10)] },
            new KrpcError([11], KrpcError.Protocol, "invalid token"),
        ];
        foreach (var m in messages)
        {
            var back = KrpcCodec.Decode(KrpcCodec.Encode(m, "AK\0\x01"u8.ToArray()));
            Assert.Equal(m.GetType(), back.GetType());
            Assert.Equal(m.Transaction, back.Transaction);
            Assert.Equal("AK\0\x01"u8.ToArray(), back.Version);
            Assert.Equal(m.ReportedAddress, back.ReportedAddress);
            switch ((m, back))
            {
                case (PingQuery a, PingQuery b): Assert.Equal((a.Sender, a.ReadOnly), (b.Sender, b.ReadOnly)); break;
                case (FindNodeQuery a, FindNodeQuery b): Assert.Equal(a.Target, b.Target); break;
                case (GetPeersQuery a, GetPeersQuery b): Assert.Equal(a.InfoHash, b.InfoHash); break;
                case (AnnouncePeerQuery a, AnnouncePeerQuery b):
                    Assert.Equal((a.InfoHash, a.Port, a.Seed), (b.InfoHash, b.Port, b.Seed));
                    Assert.Equal(a.Token, b.Token);
                    break;
                case (KrpcResponse a, KrpcResponse b):
                    Assert.Equal(a.Nodes, b.Nodes);
                    Assert.Equal(a.Nodes6, b.Nodes6);
                    Assert.Equal(a.Values, b.Values);
                    Assert.Equal(a.Token, b.Token);
                    break;
                case (KrpcError a, KrpcError b): Assert.Equal((a.Code, a.Message), (b.Code, b.Message)); break;
            }
        }
    }

    [Theory]
    [InlineData("", "not bencoded")]
    [InlineData("i1e", "not a dictionary")]
    [InlineData("de", "no transaction id")]
    [InlineData("d1:t2:aae", "no message type")]
    [InlineData("d1:t2:aa1:y1:xe", "unknown message type")]
    [InlineData("d1:q4:ping1:t2:aa1:y1:qe", "without arguments")]
    [InlineData("d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", "20-byte id")]
    [InlineData("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti0e5:token1:xe1:q13:announce_peer1:t2:aa1:y1:qe", "port 0")]
    [InlineData("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti80ee1:q13:announce_peer1:t2:aa1:y1:qe", "without a token")]
    [InlineData("d1:eli201ee1:t2:aa1:y1:ee", "[code, message]")]
    [InlineData("d1:t2:aa1:y1:re", "without 'r'")]
    public void A_malformed_packet_is_a_krpc_exception_naming_the_problem(string packet, string problem)
        => Assert.Contains(problem, Assert.Throws<KrpcException>(() => KrpcCodec.Decode(B(packet))).Message);

    [Fact]
    public void Mutated_packets_never_throw_anything_but_a_krpc_exception()
    {
        var rng = new Random(6);
        var me = NodeId.Random(rng);
        var seeds = new[]
        {
            KrpcCodec.Encode(new GetPeersQuery([1, 2], me, NodeId.Random(rng).ToInfoHash())),
            KrpcCodec.Encode(new KrpcResponse([3, 4], me) { Nodes = [new DhtContact(NodeId.Random(rng), new IPEndPoint(IPAddress.Loopback, 1))], Token = [1], Values = [new IPEndPoint(IPAddress.Loopback, 2)] }),
            KrpcCodec.Encode(new AnnouncePeerQuery([5], me, NodeId.Random(rng).ToInfoHash(), 1, true, [1, 2])),
            KrpcCodec.Encode(new KrpcError([6], 201, "x")),
        };
        for (var i = 0; i < 200_000; i++)
        {
            var packet = (byte[])seeds[rng.Next(seeds.Length)].Clone();
            for (var m = rng.Next(1, 4); m > 0; m--)
            {
                switch (rng.Next(3))
                {
                    case 0: packet[rng.Next(packet.Length)] = (byte)rng.Next(256); break;
                    case 1: packet = packet[..rng.Next(packet.Length)]; break;
                    default: packet = [.. packet[..rng.Next(packet.Length + 1)], (byte)"dile0123456789:"[rng.Next(15)], .. packet[rng.Next(packet.Length + 1)..]]; break;
                }
                if (packet.Length == 0) break;
            }
            try { KrpcCodec.Decode(packet); }
            catch (KrpcException) { }
        }
    }
}
