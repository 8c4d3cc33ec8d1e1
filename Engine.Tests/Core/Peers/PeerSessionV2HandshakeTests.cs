using Engine.Core.Peers;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Peers;

/// <summary>
/// BEP 52 in the handshake: the v2 bit we set, which hash an accepted peer is answered with (the upgrade of a hybrid's
/// v1 hash to its v2 hash, as libtorrent 2.0.8 does), and which connections speak v2 and may be sent hash requests.
/// </summary>
public sealed class PeerSessionV2HandshakeTests
{
    private static readonly InfoHash V1 = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");
    private static readonly InfoHash V2 = InfoHash.FromHex("fedcba9876543210fedcba9876543210fedcba98");
    private static readonly PeerId Theirs = PeerId.CreateOurs();

    private static PeerSessionContext Context(InfoHash infoHash, InfoHash? v2) =>
        new(infoHash, PeerId.CreateOurs(), new TorrentLayout(10 * 32 * 1024, 32 * 1024), new PeerSettings()) { V2InfoHash = v2 };

    private static PeerSessionContext V1Only => Context(V1, null);
    private static PeerSessionContext Hybrid => Context(V1, V2);
    private static PeerSessionContext V2Only => Context(V2, V2);

    private static Handshake From(InfoHash hash, bool v2Bit) =>
        new(hash, Theirs, Handshake.ExtensionBit | Handshake.FastBit | (v2Bit ? Handshake.V2Bit : 0));

    [Fact]
    public void Our_handshake_sets_the_v2_bit_only_for_a_torrent_with_a_v2_part()
    {
        // libtorrent drops a peer that sets it on a v1-only torrent (invalid_info_hash).
        Assert.Equal(0UL, V1Only.OurReserved & Handshake.V2Bit);
        Assert.Equal(Handshake.V2Bit, Hybrid.OurReserved & Handshake.V2Bit);
        Assert.Equal(Handshake.V2Bit, V2Only.OurReserved & Handshake.V2Bit);
    }

    [Fact]
    public void A_v2_peer_on_a_hybrids_v1_hash_is_answered_with_the_v2_hash_and_every_other_with_the_hash_it_used()
    {
        Assert.Equal(V2, Hybrid.AnswerTo(From(V1, v2Bit: true)));
        Assert.Equal(V1, Hybrid.AnswerTo(From(V1, v2Bit: false)));
        Assert.Equal(V2, Hybrid.AnswerTo(From(V2, v2Bit: false)));
        Assert.Equal(V1, V1Only.AnswerTo(From(V1, v2Bit: true)));
        Assert.Equal(V2, V2Only.AnswerTo(From(V2, v2Bit: true)));
    }

    [Theory]
    [InlineData("hybrid", "v1", false, false)]
    [InlineData("hybrid", "v1", true, true)]
    [InlineData("hybrid", "v2", false, true)]
    [InlineData("v2only", "v2", false, true)]     // libtorrent's own handshake on a v2-only torrent: no bit, the v2 hash
    [InlineData("v1only", "v1", true, false)]
    public void A_connection_speaks_v2_when_the_peer_sets_the_bit_or_uses_the_v2_hash(string torrent, string hash, bool bit, bool speaksV2)
    {
        var ctx = torrent switch { "hybrid" => Hybrid, "v2only" => V2Only, _ => V1Only };
        Assert.Equal(speaksV2, ctx.SpeaksV2(From(hash == "v1" ? V1 : V2, bit)));
    }

    [Fact]
    public void A_hybrid_session_starts_on_either_hash_and_records_whether_the_peer_speaks_v2()
    {
        var effects = new RecordedEffects();
        var onV1 = new PeerSession(Hybrid, effects, DateTimeOffset.UnixEpoch);
        Assert.True(onV1.OnHandshake(From(V1, v2Bit: false), DateTimeOffset.UnixEpoch));
        Assert.False(onV1.RemoteSpeaksV2);
        var onV2 = new PeerSession(Hybrid, effects, DateTimeOffset.UnixEpoch);
        Assert.True(onV2.OnHandshake(From(V2, v2Bit: false), DateTimeOffset.UnixEpoch));
        Assert.True(onV2.RemoteSpeaksV2);
        var v1Torrent = new PeerSession(V1Only, effects, DateTimeOffset.UnixEpoch);
        Assert.False(v1Torrent.OnHandshake(From(V2, v2Bit: true), DateTimeOffset.UnixEpoch));
    }
}
