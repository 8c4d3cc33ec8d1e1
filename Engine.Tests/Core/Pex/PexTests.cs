using System.Net;
using Engine.Core.Extensions;
using Engine.Core.Pex;
using Engine.Core.Wire;
using Engine.Tests.Core.Peers;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Pex;

/// <summary>ut_pex (BEP 11): the message codec and the per-connection module on a peer session.</summary>
public sealed class PexTests
{
    private static IPEndPoint Ep(int i) => new(IPAddress.Parse($"10.0.{i / 250}.{i % 250 + 1}"), 6881 + i);

    [Fact]
    public void A_message_round_trips_ipv4_and_ipv6_peers_with_their_flags()
    {
        var added = new List<PexPeer> { new(Ep(1), PexFlags.Seed | PexFlags.Reachable), new(Ep(2)), new(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 51413), PexFlags.SupportsUtp) };
        var dropped = new List<IPEndPoint> { Ep(3), new(IPAddress.Parse("2001:db8::8"), 1) };
        var back = PexMessage.TryDecode(new PexMessage(added, dropped).Encode())!;
        Assert.Equal(added.ToHashSet(), back.Added.ToHashSet());
        Assert.Equal(dropped.ToHashSet(), back.Dropped.ToHashSet());
    }

    [Fact]
    public void Garbage_partial_entries_and_missing_flags_are_tolerated_and_a_message_is_bounded()
    {
        Assert.Null(PexMessage.TryDecode("not bencode"u8.ToArray()));
        Assert.Null(PexMessage.TryDecode("i5e"u8.ToArray()));
        byte[] eightBytes = [10, 0, 0, 1, 0x1a, 0xe1, 10, 0]; // one peer (10.0.0.1:6881) and two bytes of another
        byte[] packet = [.. "d5:added8:"u8, .. eightBytes, (byte)'e'];
        var partial = PexMessage.TryDecode(packet)!;
        Assert.Equal([new PexPeer(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881))], partial.Added);
        var huge = new PexMessage(Enumerable.Range(0, 1000).Select(i => new PexPeer(Ep(i))).ToList(), []).Encode();
        Assert.Equal(PexMessage.MaxPeers, PexMessage.TryDecode(huge)!.Added.Count);
        var rng = new Random(30);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])huge[..rng.Next(1, 200)].Clone();
            bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            PexMessage.TryDecode(bytes); // never throws
        }
    }

    /// <summary>A session with ut_pex, the peer's extension handshake naming ut_pex as id 5.</summary>
    private static SessionHarness Session(bool peerSpeaksPex = true)
    {
        var h = new SessionHarness(extensions: ExtensionRegistry.Empty.With(PexExtension.Name, () => new PexExtension())).Start();
        var m = peerSpeaksPex ? new Dictionary<string, int> { ["ut_pex"] = 5 } : new Dictionary<string, int>();
        h.Receive(new Extended(0, new ExtensionHandshake(m).Encode()));
        h.Effects.Clear();
        return h;
    }

    private static List<PexMessage> Sent(SessionHarness h) => h.Effects.Messages.OfType<Extended>().Where(e => e.ExtendedId == 5)
        .Select(e => PexMessage.TryDecode(e.Payload)!).ToList();

    [Fact]
    public void The_first_update_tells_up_to_fifty_peers_and_later_ones_only_what_changed_at_most_once_a_minute()
    {
        var h = Session();
        var peers = Enumerable.Range(0, 60).Select(i => new PexPeer(Ep(i))).ToList();
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate(peers), h.Now);
        var first = Assert.Single(Sent(h));
        Assert.Equal(50, first.Added.Count);

        h.Advance(TimeSpan.FromSeconds(30));
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate(peers.Skip(5).ToList()), h.Now);
        Assert.Single(Sent(h)); // too soon

        h.Advance(TimeSpan.FromSeconds(31));
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate(peers.Skip(5).ToList()), h.Now);
        var second = Sent(h)[1];
        Assert.Equal(50, second.Added.Count); // the ten new ones first, then forty of those the first message named (below)
        Assert.Equal(peers.Skip(50).Select(p => p.EndPoint), second.Added.Take(10).Select(p => p.EndPoint));
        Assert.Equal(peers.Take(5).Select(p => p.EndPoint).ToHashSet(), second.Dropped.ToHashSet());

        h.Advance(TimeSpan.FromMinutes(2));
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate(peers.Skip(5).ToList()), h.Now);
        Assert.Equal(2, Sent(h).Count); // nothing changed: nothing sent
    }

    /// <summary>lftp takes no PEX message within a minute of the connection; ours comes seconds after the handshake.</summary>
    [Fact]
    public void The_second_message_names_again_the_peers_the_first_did_for_a_peer_that_dropped_it_and_then_only_changes()
    {
        var h = Session();
        PexPeer[] peers = [new(Ep(1), PexFlags.Reachable), new(Ep(2))];
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate(peers), h.Now);
        h.Advance(TimeSpan.FromSeconds(61));
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate(peers), h.Now);
        h.Advance(TimeSpan.FromSeconds(61));
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate(peers), h.Now);

        var sent = Sent(h);
        Assert.Equal(2, sent.Count); // the third round had nothing new to say
        Assert.Equal(peers, sent[0].Added);
        Assert.Equal(peers, sent[1].Added);
        Assert.Empty(sent[1].Dropped);
    }

    [Fact]
    public void An_update_before_the_peers_extension_handshake_goes_out_when_the_handshake_arrives_not_a_minute_later()
    {
        var h = new SessionHarness(extensions: ExtensionRegistry.Empty.With(PexExtension.Name, () => new PexExtension())).Start();
        h.Effects.Clear();
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate([new PexPeer(Ep(1)), new PexPeer(Ep(2))]), h.Now);
        Assert.Empty(Sent(h)); // the peer's ids are not known yet

        h.Advance(TimeSpan.FromSeconds(4)); // a loaded peer: its extension handshake after our first round of PEX
        h.Receive(new Extended(0, new ExtensionHandshake(new Dictionary<string, int> { ["ut_pex"] = 5 }).Encode()));

        var first = Assert.Single(Sent(h));
        Assert.Equal([Ep(1), Ep(2)], first.Added.Select(p => p.EndPoint));
        h.Advance(TimeSpan.FromSeconds(30));
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate([new PexPeer(Ep(3))]), h.Now);
        Assert.Single(Sent(h)); // and the minute counts from then
    }

    [Fact]
    public void A_peer_that_does_not_speak_ut_pex_gets_nothing()
    {
        var h = Session(peerSpeaksPex: false);
        h.Session.OnExtensionInput(PexExtension.Name, new PexUpdate([new PexPeer(Ep(1))]), h.Now);
        Assert.Empty(h.Effects.Messages);
    }

    [Fact]
    public void What_the_peer_tells_is_handed_on_but_not_more_often_than_every_twenty_seconds()
    {
        var h = Session();
        var message = new PexMessage([new PexPeer(Ep(1), PexFlags.Seed), new PexPeer(Ep(2))], [Ep(3)]).Encode();
        h.Receive(new Extended(1, message)); // our id for ut_pex is 1 (the registry's first)
        var learnt = Assert.IsType<PexPeersLearnt>(Assert.Single(h.Effects.Of<Notified>()).Notification);
        Assert.Equal([Ep(1), Ep(2)], learnt.Peers.Select(p => p.EndPoint));

        h.Advance(TimeSpan.FromSeconds(5));
        h.Receive(new Extended(1, message));
        Assert.Single(h.Effects.Of<Notified>());
        h.Advance(TimeSpan.FromSeconds(20));
        h.Receive(new Extended(1, message));
        Assert.Equal(2, h.Effects.Of<Notified>().Count());
    }
}
