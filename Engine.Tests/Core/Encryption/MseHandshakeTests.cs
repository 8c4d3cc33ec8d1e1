using Engine.Core.Encryption;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Encryption;

/// <summary>
/// Our initiator against our responder, bytes delivered in random pieces, over many seeds: both sides agree on the
/// cipher, the torrent and the streams; and every way a handshake can be wrong ends in <see cref="MseException"/>.
/// (libtorrent checks the wire format itself: MseInteropTests.)
/// </summary>
public sealed class MseHandshakeTests
{
    private static readonly InfoHash Torrent = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");
    private static readonly InfoHash Other = InfoHash.FromHex("89abcdef0123456789abcdef0123456789abcdef");

    private static InfoHash? Known(byte[] req2)
    {
        foreach (var hash in new[] { Torrent, Other })
            if (MseKeys.Req2(hash).AsSpan().SequenceEqual(req2)) return hash;
        return null;
    }

    private static byte[] Bytes(Random rng, int count)
    {
        var b = new byte[count];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>Runs both sides, each message cut into random pieces; A may append payload after step 3, B after its answer.</summary>
    private static (MseResult A, MseResult B, byte[] ATail) Run(Random rng, MseCrypto provide, MseCrypto allowed, bool preferRc4, byte[] ia, byte[] aExtra, byte[] bExtra,
        InfoHash? skey = null)
    {
        var a = new MseInitiator(skey ?? Torrent, Bytes(rng, 20), Bytes(rng, rng.Next(0, 513)), provide, ia);
        var b = new MseResponder(Known, Bytes(rng, 20), Bytes(rng, rng.Next(0, 513)), allowed, preferRc4);
        var toB = new Queue<byte[]>();
        var toA = new Queue<byte[]>();
        void Cut(Queue<byte[]> q, byte[] data)
        {
            for (var at = 0; at < data.Length;)
            {
                var n = Math.Min(rng.Next(1, 200), data.Length - at);
                q.Enqueue(data.AsSpan(at, n).ToArray());
                at += n;
            }
        }
        Cut(toB, a.Start());
        var aExtraSent = false;
        var bExtraSent = false;
        for (var rounds = 0; rounds < 10_000 && (a.Result is null || b.Result is null || toA.Count + toB.Count > 0); rounds++)
        {
            if (toB.Count > 0 && b.Result is null)
            {
                Cut(toA, b.Receive(toB.Dequeue()));
                if (b.Result is { } rb && !bExtraSent)
                {
                    bExtraSent = true;
                    var extra = (byte[])bExtra.Clone();
                    rb.Encrypt?.Apply(extra);
                    Cut(toA, extra);
                }
            }
            else if (toA.Count > 0 && a.Result is null)
            {
                var reply = a.Receive(toA.Dequeue());
                Cut(toB, reply);
                if (reply.Length > 0 && !aExtraSent)
                {
                    // Step 3 just went out: payload may follow at once, encrypted with A's stream when RC4 is the only choice.
                    aExtraSent = true;
                    Cut(toB, aExtra);
                }
            }
            else break;
        }
        Assert.NotNull(a.Result);
        Assert.NotNull(b.Result);
        // What reached A after its handshake ended: the leftover it handed back, then the stream as it goes on.
        var rest = toA.SelectMany(x => x).ToArray();
        a.Result!.Decrypt?.Apply(rest);
        return (a.Result!, b.Result!, [.. a.Result.Leftover, .. rest]);
    }

    [Fact]
    public void Both_sides_agree_on_rc4_the_torrent_and_the_streams_whatever_the_padding_and_the_pieces()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var rng = new Random(seed);
            var ia = Bytes(rng, rng.Next(0, 100));
            var bExtra = Bytes(rng, rng.Next(0, 50));
            var (a, b, aTail) = Run(rng, MseCrypto.Rc4 | MseCrypto.Plaintext, MseCrypto.Rc4 | MseCrypto.Plaintext, preferRc4: true, ia, [], bExtra);
            Assert.Equal(MseCrypto.Rc4, a.Selected);
            Assert.Equal(MseCrypto.Rc4, b.Selected);
            Assert.Equal(Torrent, b.InfoHash);
            Assert.Equal(ia, b.InitialPayload);
            Assert.Equal(bExtra, aTail); // what B sent after its answer reaches A decrypted
            Assert.Empty(b.Leftover);

            var message = Bytes(rng, 5000);
            var wire = (byte[])message.Clone();
            a.Encrypt!.Apply(wire);
            Assert.NotEqual(message, wire);
            b.Decrypt!.Apply(wire);
            Assert.Equal(message, wire);
            wire = (byte[])message.Clone();
            b.Encrypt!.Apply(wire);
            a.Decrypt!.Apply(wire);
            Assert.Equal(message, wire);
        }
    }

    [Fact]
    public void Plaintext_is_chosen_when_the_responder_prefers_it_and_then_payload_after_the_handshake_is_left_as_it_came()
    {
        var rng = new Random(7);
        var handshake = Bytes(rng, 68);
        var plainPayload = Bytes(rng, 30);
        var (a, b, aTail) = Run(rng, MseCrypto.Rc4 | MseCrypto.Plaintext, MseCrypto.Rc4 | MseCrypto.Plaintext, preferRc4: false, handshake, [], plainPayload);
        Assert.Equal(MseCrypto.Plaintext, a.Selected);
        Assert.Equal(MseCrypto.Plaintext, b.Selected);
        Assert.Null(a.Encrypt);
        Assert.Null(b.Decrypt);
        Assert.Equal(handshake, b.InitialPayload); // IA is always encrypted, and decrypted for the caller
        Assert.Equal(plainPayload, aTail);
    }

    [Fact]
    public void A_required_responder_refuses_a_plaintext_only_initiator_and_the_reverse_picks_rc4()
    {
        var e = Assert.Throws<MseException>(() => Run(new Random(1), MseCrypto.Plaintext, MseCrypto.Rc4, true, [], [], []));
        Assert.Contains("no cipher in common", e.Message);
        var (a, _, _) = Run(new Random(2), MseCrypto.Rc4, MseCrypto.Rc4 | MseCrypto.Plaintext, preferRc4: false, [], [], []);
        Assert.Equal(MseCrypto.Rc4, a.Selected);
    }

    [Fact]
    public void A_torrent_the_responder_does_not_have_is_refused_by_name()
    {
        var e = Assert.Throws<MseException>(() => Run(new Random(4), MseCrypto.Rc4, MseCrypto.Rc4, true, [], [], [],
            InfoHash.FromHex("ffffffffffffffffffffffffffffffffffffffff")));
        Assert.Contains("a torrent we do not have", e.Message);
    }

    [Fact]
    public void A_plain_bittorrent_handshake_or_garbage_is_refused_within_the_padding_bound()
    {
        var rng = new Random(5);
        var b = new MseResponder(Known, Bytes(rng, 20), [], MseCrypto.Rc4);
        b.Receive(Bytes(rng, 96)); // something like a key: answered
        var e = Assert.Throws<MseException>(() => b.Receive(Bytes(rng, 532)));
        Assert.Contains("within 532 bytes", e.Message);

        var a = new MseInitiator(Torrent, Bytes(rng, 20), [], MseCrypto.Rc4);
        a.Start();
        a.Receive(Bytes(rng, 96));
        Assert.Contains("within 520 bytes", Assert.Throws<MseException>(() => a.Receive(Bytes(rng, 520))).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)] // P - 1
    public void A_public_key_out_of_range_is_refused(int which)
    {
        var key = new byte[96];
        if (which == 1) key[95] = 1;
        if (which == -1)
        {
            key = Convert.FromHexString("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090562");
        }
        Assert.Throws<MseException>(() => MseKeys.SharedSecret(key, new byte[20] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 }));
    }

    [Fact]
    public void The_shared_secret_is_the_same_from_both_sides_and_ninety_six_bytes()
    {
        var rng = new Random(9);
        var xa = Bytes(rng, 20);
        var xb = Bytes(rng, 20);
        var s1 = MseKeys.SharedSecret(MseKeys.PublicKey(xb), xa);
        var s2 = MseKeys.SharedSecret(MseKeys.PublicKey(xa), xb);
        Assert.Equal(96, s1.Length);
        Assert.Equal(s1, s2);
        Assert.Equal(96, MseKeys.PublicKey([1]).Length);
        Assert.Equal(2, MseKeys.PublicKey([1])[95]); // 2^1 mod P, right-aligned
    }
}
