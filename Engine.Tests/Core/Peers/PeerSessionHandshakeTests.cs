using Engine.Core.Bencode;
using Engine.Core.Extensions;
using Engine.Core.Pieces;
using Engine.Core.Wire;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Peers;

/// <summary>The handshake, our extension handshake, and what each side tells the other of its pieces.</summary>
public sealed class PeerSessionHandshakeTests
{
    [Fact]
    public void A_handshake_for_another_torrent_closes_the_connection_as_failed()
    {
        var h = new SessionHarness();
        var other = Engine.Core.Primitives.InfoHash.FromHex("ffffffffffffffffffffffffffffffffffffffff");
        Assert.False(h.Session.OnHandshake(new Handshake(other, h.Theirs, true, true), h.Now));
        Assert.Equal(new Closed("handshake for another torrent", true, false), h.Effects.Closing);
        Assert.True(h.Session.IsClosed);
    }

    [Fact]
    public void A_handshake_with_our_own_peer_id_closes_and_bans_the_address()
    {
        var h = new SessionHarness();
        Assert.False(h.Session.OnHandshake(new Handshake(SessionHarness.Hash, h.Ours, true, true), h.Now));
        Assert.Equal(new Closed("connected to ourselves", true, true), h.Effects.Closing);
    }

    [Fact]
    public void A_peer_that_speaks_bep_10_gets_our_extension_handshake_with_ut_metadata_its_size_our_port_reqq_and_client()
    {
        var h = new SessionHarness(metadata: new byte[40_000]);
        Assert.True(h.Session.OnHandshake(new Handshake(SessionHarness.Hash, h.Theirs, true, true), h.Now));
        var ext = Assert.IsType<Extended>(Assert.Single(h.Effects.Messages));
        Assert.Equal(0, ext.ExtendedId);
        var hs = ExtensionHandshake.Decode(ext.Payload);
        Assert.Equal(1, hs.IdOf("ut_metadata"));
        Assert.Equal(40_000, hs.MetadataSize);
        Assert.Equal(6881, hs.ListenPort);
        Assert.Equal(h.Settings.AdvertisedRequestQueue, hs.RequestQueue);
        Assert.Equal("Engine/0.1", hs.Client);
    }

    [Fact]
    public void A_peer_without_bep_10_gets_no_extension_handshake_and_without_metadata_none_is_offered()
    {
        var h = new SessionHarness();
        h.Session.OnHandshake(new Handshake(SessionHarness.Hash, h.Theirs, supportsExtensions: false, supportsFast: true), h.Now);
        Assert.Empty(h.Effects.Messages);

        var bare = new SessionHarness();
        bare.Session.OnHandshake(new Handshake(SessionHarness.Hash, bare.Theirs, true, true), bare.Now);
        var hs = ExtensionHandshake.Decode(Assert.IsType<Extended>(Assert.Single(bare.Effects.Messages)).Payload);
        Assert.Null(hs.IdOf("ut_metadata"));
        Assert.Null(hs.MetadataSize);
    }

    [Theory]
    [InlineData(true, "all", typeof(HaveAll))]
    [InlineData(true, "none", typeof(HaveNone))]
    [InlineData(true, "some", typeof(BitfieldMessage))]
    [InlineData(false, "all", typeof(BitfieldMessage))]
    [InlineData(false, "some", typeof(BitfieldMessage))]
    public void Our_pieces_are_announced_with_the_shortest_message_the_peer_understands(bool fast, string pieces, Type expected)
    {
        var h = new SessionHarness().Start(fast);
        var have = new Bitfield(h.Layout.PieceCount);
        if (pieces == "all") have.SetAll();
        if (pieces == "some") have[3] = true;
        h.Session.OnWelcome(have, h.Now);
        Assert.IsType(expected, Assert.Single(h.Effects.Messages));
    }

    [Fact]
    public void Having_nothing_is_not_announced_to_a_peer_without_the_fast_extension()
    {
        var h = new SessionHarness().Start(fast: false);
        h.Session.OnWelcome(new Bitfield(h.Layout.PieceCount), h.Now);
        Assert.Empty(h.Effects.Messages);
    }

    [Fact]
    public void A_piece_we_verify_is_announced_unless_the_peer_has_it()
    {
        var h = new SessionHarness().Start();
        h.Session.OnWelcome(new Bitfield(h.Layout.PieceCount), h.Now);
        h.Receive(new Have(4));
        h.Effects.Clear();
        h.Session.OnWeHave(3, h.Now);
        h.Session.OnWeHave(4, h.Now);
        Assert.Equal([new Have(3)], h.Effects.Messages);
    }

    [Fact]
    public void The_peers_pieces_reach_the_piece_manager_once_each_and_a_late_bitfield_adds_to_what_it_announced()
    {
        var h = new SessionHarness().Start();
        h.Session.OnWelcome(new Bitfield(h.Layout.PieceCount), h.Now);
        h.Receive(HaveNone.Instance);
        h.Receive(new Have(1));
        h.Receive(new Have(1));
        var late = new Bitfield(h.Layout.PieceCount) { [7] = true };
        h.Receive(new BitfieldMessage(late.ToWire()));
        Assert.Equal(new Has(1), h.Effects.Of<Has>().Single());
        var merged = h.Effects.Of<HasBitfield>().Single().Pieces;
        Assert.True(merged[1] && merged[7]);
        Assert.Equal(2, merged.SetCount);
        Assert.Equal(2, h.Session.PiecesHave);
    }

    [Fact]
    public void Two_seeds_close_their_connection()
    {
        var h = new SessionHarness().Start();
        h.Session.OnWelcome(h.Full(), h.Now);
        h.Receive(HaveAll.Instance);
        Assert.Equal(new Closed(Engine.Core.Peers.PeerSession.BothSeedsReason, false, false), h.Effects.Closing);
        Assert.Empty(h.Effects.Of<HasAll>());
    }

    [Fact]
    public void A_leecher_that_completes_the_last_piece_we_lack_closes_when_the_peer_is_a_seed()
    {
        var h = new SessionHarness().Start();
        var almost = h.Full();
        almost[9] = false;
        h.Session.OnWelcome(almost, h.Now);
        h.Receive(HaveAll.Instance);
        Assert.Null(h.Effects.Closing);
        h.Session.OnWeHave(9, h.Now);
        Assert.NotNull(h.Effects.Closing);
    }

    [Theory]
    [InlineData("have all")]
    [InlineData("have none")]
    [InlineData("reject")]
    [InlineData("allowed fast")]
    [InlineData("suggest")]
    public void A_fast_extension_message_from_a_peer_that_did_not_negotiate_it_closes_the_connection_without_a_ban(string name)
    {
        PeerMessage message = name switch
        {
            "have all" => HaveAll.Instance,
            "have none" => HaveNone.Instance,
            "reject" => new Reject(0, 0, 16384),
            "allowed fast" => new AllowedFast(1),
            _ => new Suggest(2),
        };
        var h = new SessionHarness().Start(fast: false);
        h.Receive(message);
        var close = h.Effects.Closing!;
        Assert.StartsWith("protocol violation:", close.Reason);
        Assert.True(close.Failed);
        Assert.False(close.Ban);
    }

    [Fact]
    public void Messages_before_the_handshake_and_after_the_end_only_release_their_blocks()
    {
        var h = new SessionHarness();
        var early = h.Piece(h.Block(0, 0));
        h.Receive(early);
        Assert.Equal([new Discarded(early)], h.Effects.All);

        h.Start();
        h.Session.OnBanned("bad data");
        Assert.Equal(new Closed("banned: bad data", true, true), h.Effects.Closing);
        var late = h.Piece(h.Block(0, 0));
        h.ReceiveRead(Unchoke.Instance, late);
        h.Session.OnTick(h.Now);
        Assert.Equal([new Closed("banned: bad data", true, true), new Discarded(late)], h.Effects.All);
    }

    [Fact]
    public void A_message_that_does_not_fit_the_torrent_closes_and_bans_and_its_block_is_released()
    {
        var h = new SessionHarness().Start();
        var bad = h.Piece(new(10, 0, 16384)); // piece 10 of 10
        h.ReceiveRead(bad, Unchoke.Instance);
        Assert.Contains(new Discarded(bad), h.Effects.All);
        var close = h.Effects.Closing!;
        Assert.StartsWith("protocol violation: PieceIndexOutOfRange", close.Reason);
        Assert.True(close.Failed && close.Ban);
    }

    [Fact]
    public void The_extension_handshake_gives_the_peers_listen_port_and_a_malformed_one_is_ignored()
    {
        var h = new SessionHarness().Start();
        h.Receive(new Extended(0, new BDictionaryBuilder().Add("p", 51413).ToArray()));
        h.Receive(new Extended(0, "d1:p"u8.ToArray()));
        Assert.Equal([new ListenPortNamed(51413)], h.Effects.Of<ListenPortNamed>());
        Assert.Null(h.Effects.Closing);
    }
}
