using System.Net;
using Engine.Core.Extensions;
using Engine.Core.Holepunch;
using Engine.Core.Wire;
using Engine.Tests.Core.Peers;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Holepunch;

/// <summary>ut_holepunch (BEP 55): the message codec, the relay's answer and the per-connection module on a peer session.</summary>
public sealed class HolepunchTests
{
    private static readonly IPEndPoint V4 = new(IPAddress.Parse("203.0.113.7"), 51413);
    private static readonly IPEndPoint V6 = new(IPAddress.Parse("2001:db8::7"), 6881);

    [Fact]
    public void Every_message_type_round_trips_over_ipv4_and_ipv6()
    {
        foreach (var ep in new[] { V4, V6 })
        foreach (var m in new[]
                 {
                     new HolepunchMessage(HolepunchMessageType.Rendezvous, ep),
                     new HolepunchMessage(HolepunchMessageType.Connect, ep),
                     new HolepunchMessage(HolepunchMessageType.Error, ep, HolepunchError.NotConnected),
                 })
            Assert.Equal(m, HolepunchMessage.TryDecode(m.Encode()));
    }

    [Fact]
    public void The_wire_layout_is_the_one_bep_55_gives()
    {
        var bytes = new HolepunchMessage(HolepunchMessageType.Error, V4, HolepunchError.NoSupport).Encode();
        Assert.Equal(new byte[] { 2, 0, 203, 0, 113, 7, 0xc8, 0xd5, 0, 0, 0, 3 }, bytes);
        Assert.Equal(HolepunchMessage.V6Length, new HolepunchMessage(HolepunchMessageType.Connect, V6).Encode().Length);
    }

    /// <summary>libtorrent 2.0.8 leaves err_code out of rendezvous and connect (it writes it only in an error).</summary>
    [Fact]
    public void A_rendezvous_or_connect_without_err_code_decodes_as_libtorrent_sends_it()
    {
        foreach (var m in new[]
                 {
                     new HolepunchMessage(HolepunchMessageType.Connect, V4), new HolepunchMessage(HolepunchMessageType.Rendezvous, V4),
                     new HolepunchMessage(HolepunchMessageType.Connect, V6), new HolepunchMessage(HolepunchMessageType.Rendezvous, V6),
                 })
        {
            var bytes = m.Encode();
            Assert.Equal(m, HolepunchMessage.TryDecode(bytes[..^4]));
        }
        // libtorrent's connect to 203.0.113.7:51413, byte for byte.
        Assert.Equal(new HolepunchMessage(HolepunchMessageType.Connect, V4), HolepunchMessage.TryDecode([1, 0, 203, 0, 113, 7, 0xc8, 0xd5]));
        var error = new HolepunchMessage(HolepunchMessageType.Error, V4, HolepunchError.NoSelf).Encode();
        Assert.Null(HolepunchMessage.TryDecode(error[..^4])); // an error needs its code
        Assert.Null(HolepunchMessage.TryDecode(error[..^1]));
        Assert.Null(HolepunchMessage.TryDecode([1, 1, 203, 0, 113, 7, 0xc8, 0xd5])); // IPv6 with IPv4's short length
    }

    [Fact]
    public void Malformed_messages_decode_to_null_and_random_bytes_never_throw()
    {
        var good = new HolepunchMessage(HolepunchMessageType.Connect, V4).Encode();
        Assert.Null(HolepunchMessage.TryDecode([]));
        Assert.Null(HolepunchMessage.TryDecode(good[..11])); // short
        Assert.Null(HolepunchMessage.TryDecode([.. good, 0])); // long
        Assert.Null(HolepunchMessage.TryDecode([3, .. good[1..]])); // unknown msg_type
        Assert.Null(HolepunchMessage.TryDecode([good[0], 2, .. good[2..]])); // unknown addr_type
        Assert.Null(HolepunchMessage.TryDecode([good[0], 1, .. good[2..]])); // says IPv6, has IPv4's length
        Assert.Null(HolepunchMessage.TryDecode([.. good[..6], 0, 0, .. good[8..]])); // port 0
        Assert.Null(HolepunchMessage.TryDecode([.. good[..8], 0, 0, 0, 1])); // an error code on a connect
        Assert.Null(HolepunchMessage.TryDecode([2, .. good[1..8], 0, 0, 0, 0])); // an error without a code
        Assert.Null(HolepunchMessage.TryDecode([2, .. good[1..8], 0, 0, 0, 5])); // an unknown code
        var rng = new Random(55);
        for (var i = 0; i < 50_000; i++)
        {
            var bytes = new byte[rng.Next(0, 30)];
            rng.NextBytes(bytes);
            if (rng.Next(2) == 0 && bytes.Length > 1) bytes[1] = (byte)rng.Next(2);
            HolepunchMessage.TryDecode(bytes); // never throws
        }
    }

    [Theory]
    [InlineData(false, false, false, false, 1)]
    [InlineData(true, false, true, false, 2)]
    [InlineData(true, true, false, false, 3)]
    [InlineData(true, true, true, true, 4)]
    [InlineData(true, true, true, false, 0)]
    public void The_relay_answers_a_rendezvous_from_what_it_knows_of_the_target(bool known, bool connected, bool supports, bool isAsker, uint expected)
        => Assert.Equal((HolepunchError)expected, HolepunchRelay.Answer(known, connected, supports, isAsker));

    /// <summary>A session with ut_holepunch, the peer's extension handshake naming it as id 9 (or not at all).</summary>
    private static SessionHarness Session(bool peerSpeaksIt = true)
    {
        var h = new SessionHarness(extensions: ExtensionRegistry.Empty.With(HolepunchExtension.Name, () => new HolepunchExtension())).Start();
        var m = peerSpeaksIt ? new Dictionary<string, int> { [HolepunchExtension.Name] = 9 } : new Dictionary<string, int>();
        h.Receive(new Extended(0, new ExtensionHandshake(m).Encode()));
        return h;
    }

    private static List<object> Notes(SessionHarness h) => h.Effects.All.OfType<Notified>().Select(n => n.Notification).ToList();

    [Fact]
    public void The_module_tells_the_engine_whether_the_peer_speaks_it_and_what_it_asks()
    {
        Assert.Equal([new HolepunchSupport(false)], Notes(Session(peerSpeaksIt: false)));
        var h = Session();
        h.Receive(new Extended(1, new HolepunchMessage(HolepunchMessageType.Rendezvous, V4).Encode()));
        h.Receive(new Extended(1, new HolepunchMessage(HolepunchMessageType.Connect, V6).Encode()));
        h.Receive(new Extended(1, new HolepunchMessage(HolepunchMessageType.Error, V4, HolepunchError.NoSelf).Encode()));
        h.Receive(new Extended(1, [1, 2, 3])); // malformed: ignored, the connection stays
        Assert.Equal(new object[] { new HolepunchSupport(true), new HolepunchRendezvousAsked(V4), new HolepunchConnectAsked(V6), new HolepunchFailed(V4, HolepunchError.NoSelf) }, Notes(h));
        Assert.Empty(h.Effects.All.OfType<Closed>());
    }

    [Fact]
    public void Sends_go_out_under_the_peers_id_and_rendezvous_requests_are_rate_limited()
    {
        var h = Session();
        var connect = new HolepunchMessage(HolepunchMessageType.Connect, V4);
        h.Session.OnExtensionInput(HolepunchExtension.Name, new HolepunchSend(connect), h.Now);
        Assert.Equal(connect, HolepunchMessage.TryDecode(h.Effects.Messages.OfType<Extended>().Single(e => e.ExtendedId == 9).Payload));
        var rendezvous = new HolepunchMessage(HolepunchMessageType.Rendezvous, V4).Encode();
        for (var i = 0; i < 3 * HolepunchExtension.MaxRendezvousPerWindow; i++) h.Receive(new Extended(1, rendezvous));
        Assert.Equal(HolepunchExtension.MaxRendezvousPerWindow, Notes(h).OfType<HolepunchRendezvousAsked>().Count());
        h.Advance(HolepunchExtension.RendezvousWindow);
        h.Receive(new Extended(1, rendezvous));
        Assert.Equal(HolepunchExtension.MaxRendezvousPerWindow + 1, Notes(h).OfType<HolepunchRendezvousAsked>().Count());
    }
}
