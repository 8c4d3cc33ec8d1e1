using Engine.Core.Peers;
using Engine.Core.Merkle;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Peers;

/// <summary>BEP 52 hash requests reaching a session: answered from the torrent's piece layers, else rejected, and bounded.</summary>
public class PeerSessionHashTests
{
    private const int Piece = 2 * MerkleTree.BlockSize;

    private static (MerklePieces Pieces, byte[] Root) Layered()
    {
        var data = new byte[5 * Piece];
        new Random(3).NextBytes(data);
        var (root, layer) = MerkleTree.OfFile(data, Piece);
        return (new MerklePieces([new MerkleFile(data.Length, root, layer!)], Piece), root);
    }

    private static RecordedEffects.Sent LastSent(SessionHarness h) => Assert.IsType<RecordedEffects.Sent>(h.Effects.All[^1]);

    [Fact]
    public void A_hash_request_is_answered_with_the_hashes_even_while_the_peer_is_choked()
    {
        var (pieces, root) = Layered();
        var h = new SessionHarness(merkle: pieces).Start();
        var range = new HashRange(root, 1, 0, 8, 2);
        h.Receive(new HashRequest(range));
        var hashes = Assert.IsType<Hashes>(LastSent(h).Message);
        Assert.Equal(range, hashes.Range);
        Assert.Equal(HashAnswer.Answer(pieces, range), hashes.Data);
        Assert.False(h.Session.IsClosed);
        Assert.Equal(1, h.Session.HashRequestsAnswered);
    }

    /// <summary>Started, with our pieces announced: <paramref name="have"/> of them.</summary>
    private static SessionHarness Having(MerklePieces pieces, params int[] have)
    {
        var h = new SessionHarness(merkle: pieces).Start();
        var ours = new Engine.Core.Pieces.Bitfield(h.Layout.PieceCount);
        foreach (var piece in have) ours[piece] = true;
        h.Session.OnWelcome(ours, h.Now);
        h.Effects.Clear();
        return h;
    }

    [Fact]
    public void A_leaf_request_for_pieces_we_have_is_read_off_the_session_then_answered()
    {
        var (pieces, root) = Layered();                                  // 2 leaves a piece
        var h = Having(pieces, 1);
        var range = new HashRange(root, 0, 2, 2, 3);                     // piece 1's leaves, proof up to the root
        h.Receive(new HashRequest(range));
        var asked = Assert.IsType<RecordedEffects.LeavesAsked>(Assert.Single(h.Effects.All));
        Assert.Equal(new LeafAnswer.LeafPlan(0, 1, 1, 2), asked.Plan);
        var hashes = new byte[5 * 32];
        h.Session.OnLeavesRead(range, hashes, h.Now);
        Assert.Equal(new Hashes(range, hashes), LastSent(h).Message);
        Assert.Equal(1, h.Session.HashRequestsAnswered);
    }

    [Fact]
    public void A_leaf_request_for_a_piece_we_lack_a_failed_read_or_one_too_many_at_once_is_rejected()
    {
        var (pieces, root) = Layered();
        var h = Having(pieces, 0, 1, 2, 3);
        var lacking = new HashRange(root, 0, 8, 2, 0);                   // piece 4: not ours
        h.Receive(new HashRequest(lacking));
        Assert.Equal(new HashReject(lacking), LastSent(h).Message);
        for (var i = 0; i < PeerSession.MaxLeafReadsInFlight; i++) h.Receive(new HashRequest(new HashRange(root, 0, 2 * i, 2, 0)));
        Assert.Equal(PeerSession.MaxLeafReadsInFlight, h.Effects.Of<RecordedEffects.LeavesAsked>().Count());
        var extra = new HashRange(root, 0, 0, 4, 0);
        h.Receive(new HashRequest(extra));
        Assert.Equal(new HashReject(extra), LastSent(h).Message);
        var failed = new HashRange(root, 0, 0, 2, 0);
        h.Session.OnLeavesRead(failed, null, h.Now);                     // the disk failed: rejected, and a slot is free again
        Assert.Equal(new HashReject(failed), LastSent(h).Message);
        h.Receive(new HashRequest(extra));
        Assert.Equal(PeerSession.MaxLeafReadsInFlight + 1, h.Effects.Of<RecordedEffects.LeavesAsked>().Count());
    }

    [Fact]
    public void A_request_out_of_range_or_for_a_torrent_without_layers_is_rejected_and_the_connection_stays()
    {
        var (pieces, root) = Layered();
        var h = new SessionHarness(merkle: pieces).Start();
        var bad = new HashRange(root, 1, 3, 2, 0);
        h.Receive(new HashRequest(bad));
        Assert.Equal(new HashReject(bad), LastSent(h).Message);

        var v1 = new SessionHarness().Start();
        var range = new HashRange(root, 1, 0, 2, 0);
        v1.Receive(new HashRequest(range));
        Assert.Equal(new HashReject(range), LastSent(v1).Message);
        Assert.False(h.Session.IsClosed || v1.Session.IsClosed);
    }

    [Fact]
    public void Hash_requests_past_the_budget_of_a_tick_are_rejected_until_the_next_tick()
    {
        var (pieces, root) = Layered();
        var h = new SessionHarness(merkle: pieces).Start();
        var range = new HashRange(root, 1, 0, 2, 0);
        for (var i = 0; i < PeerSessionHashBudget; i++) h.Receive(new HashRequest(range));
        Assert.IsType<Hashes>(LastSent(h).Message);
        h.Receive(new HashRequest(range));
        Assert.IsType<HashReject>(LastSent(h).Message);
        h.Tick(h.Settings.TickInterval);
        h.Receive(new HashRequest(range));
        Assert.IsType<Hashes>(LastSent(h).Message);
    }

    private const int PeerSessionHashBudget = Engine.Core.Peers.PeerSession.MaxHashAnswersPerTick;

    [Fact]
    public void Hashes_and_hash_rejects_of_a_torrent_without_merkle_pieces_are_ignored()
    {
        var h = new SessionHarness().Start();
        var range = new HashRange(new byte[32], 1, 0, 2, 0);
        h.Receive(new Hashes(range, new byte[64]));
        h.Receive(new HashReject(range));
        Assert.False(h.Session.IsClosed);
        Assert.Empty(h.Effects.All.OfType<RecordedEffects.Sent>());
    }

    [Fact]
    public void Hashes_and_hash_rejects_of_a_v2_torrent_go_on_to_the_piece_manager_unread()
    {
        var (pieces, root) = Layered();
        var h = new SessionHarness(merkle: pieces).Start();
        var range = new HashRange(root, 1, 0, 2, 0);
        h.Receive(new Hashes(range, new byte[64]));
        h.Receive(new HashReject(range));
        Assert.False(h.Session.IsClosed);
        Assert.Equal(2, h.Effects.All.OfType<RecordedEffects.HashAnswerPassed>().Count());
    }
}
