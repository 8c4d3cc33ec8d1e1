using Engine.Core.Bencode;
using Engine.Core.Extensions;
using Engine.Core.Metadata;
using Engine.Core.Peers;
using Engine.Core.Wire;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Peers;

/// <summary>BEP 10 extensions as modules: the registry, routing by id, ut_metadata serving.</summary>
public sealed class PeerSessionExtensionTests
{
    private static readonly byte[] Info = Enumerable.Range(0, 40_000).Select(i => (byte)i).ToArray();

    /// <summary>Started; the peer's extension handshake names ut_metadata under id 7.</summary>
    private static SessionHarness ServingMetadata()
    {
        var h = new SessionHarness(metadata: Info).Start();
        h.Receive(new Extended(0, new ExtensionHandshake(new Dictionary<string, int> { ["ut_metadata"] = 7 }).Encode()));
        h.Effects.Clear();
        return h;
    }

    [Fact]
    public void A_metadata_request_is_answered_with_the_piece_under_the_peers_id_and_a_piece_past_the_end_is_rejected()
    {
        var h = ServingMetadata();
        h.Receive(new Extended(1, MetadataCodec.EncodeRequest(2)));
        h.Receive(new Extended(1, MetadataCodec.EncodeRequest(3)));
        var replies = h.Effects.Messages.Cast<Extended>().ToList();
        Assert.All(replies, r => Assert.Equal(7, r.ExtendedId));
        var data = MetadataCodec.Decode(replies[0].Payload);
        Assert.Equal((MetadataMessageType.Data, 2, Info.Length), (data.Type, data.Piece, data.TotalSize));
        Assert.Equal(Info.AsSpan(2 * MetadataCodec.PieceSize).ToArray(), data.Data.ToArray());
        Assert.Equal(MetadataMessageType.Reject, MetadataCodec.Decode(replies[1].Payload).Type);
    }

    [Fact]
    public void A_peer_that_did_not_offer_ut_metadata_gets_no_reply_and_malformed_or_unknown_messages_are_ignored()
    {
        var h = new SessionHarness(metadata: Info).Start();
        h.Receive(new Extended(1, MetadataCodec.EncodeRequest(0))); // no extension handshake from the peer yet
        var served = ServingMetadata();
        served.Receive(new Extended(1, "garbage"u8.ToArray()));
        served.Receive(new Extended(9, MetadataCodec.EncodeRequest(0)));
        served.Receive(new Extended(1, MetadataCodec.EncodeReject(0)));
        Assert.Empty(h.Effects.Messages);
        Assert.Empty(served.Effects.Messages);
        Assert.Null(served.Effects.Closing);
    }

    [Fact]
    public void The_address_a_peer_sees_us_at_is_reported_and_a_handshake_without_it_reports_nothing()
    {
        var h = new SessionHarness().Start();
        h.Receive(new Extended(0, new ExtensionHandshake(new Dictionary<string, int>()).Encode()));
        Assert.Empty(h.Effects.Of<Notified>());
        var seen = System.Net.IPAddress.Parse("198.51.100.4");
        h.Receive(new Extended(0, new ExtensionHandshake(new Dictionary<string, int>()) { YourIp = seen }.Encode()));
        Assert.Equal([new Notified(new YourAddressReported(seen))], h.Effects.Of<Notified>());
    }

    [Fact]
    public void A_peer_that_disables_an_extension_in_a_later_handshake_gets_no_more_of_its_messages()
    {
        var h = ServingMetadata();
        h.Receive(new Extended(0, new ExtensionHandshake(new Dictionary<string, int> { ["ut_metadata"] = 0 }).Encode()));
        h.Receive(new Extended(1, MetadataCodec.EncodeRequest(0)));
        Assert.Empty(h.Effects.Messages);
    }

    [Fact]
    public void Registered_extensions_get_ids_in_order_their_own_handshake_keys_their_messages_and_inputs_from_our_side()
    {
        var echo = new Echo();
        var registry = ExtensionRegistry.Empty.With("lt_first", () => new Quiet()).With("x_echo", () => echo);
        var h = new SessionHarness(extensions: registry);
        h.Session.OnHandshake(new Engine.Core.Wire.Handshake(SessionHarness.Hash, h.Theirs, true, true), h.Now);
        var ours = ExtensionHandshake.Decode(h.Effects.Messages.Cast<Extended>().Single().Payload);
        Assert.Equal((1, 2), (ours.IdOf("lt_first"), ours.IdOf("x_echo")));
        Assert.Equal("yes", ((BString)ours.Fields["echo"]!).Text);

        h.Receive(new Extended(0, new ExtensionHandshake(new Dictionary<string, int> { ["x_echo"] = 4 }).Encode()));
        h.Effects.Clear();
        h.Receive(new Extended(2, "ping"u8.ToArray()));
        Assert.Equal(new Extended(4, "ping"u8.ToArray()).Payload, h.Effects.Messages.Cast<Extended>().Single().Payload);
        Assert.True(h.Session.OnExtensionInput("x_echo", "hello", h.Now));
        Assert.False(h.Session.OnExtensionInput("ut_nothing", "hello", h.Now));
        Assert.Equal([new Notified("hello")], h.Effects.Of<Notified>());
        Assert.Throws<ArgumentException>(() => registry.With("x_echo", () => new Echo()));
    }

    private sealed class Quiet : PeerExtension
    {
        public override void OnMessage(ReadOnlyMemory<byte> payload, ExtensionLink link) { }
    }

    /// <summary>Says "echo: yes" in the handshake, sends every message back, tells our side every input.</summary>
    private sealed class Echo : PeerExtension
    {
        public override void WriteHandshake(BDictionaryBuilder handshake) => handshake.Add("echo", "yes");
        public override void OnMessage(ReadOnlyMemory<byte> payload, ExtensionLink link) => link.Send(payload.ToArray());
        public override void OnLocal(object input, ExtensionLink link) => link.Notify(input);
    }
}
