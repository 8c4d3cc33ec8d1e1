using Engine.Core.Pieces;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Pieces;

public class PiecePickerTests
{
    private const int Block = TorrentLayout.BlockSize;

    // 10 pieces of 4 blocks; the last piece is 1.5 blocks long.
    private static readonly TorrentLayout Layout = new(9L * 4 * Block + Block + Block / 2, 4 * Block);

    private static Bitfield Field(int count, params int[] set)
    {
        var field = new Bitfield(count);
        foreach (var i in set) field[i] = true;
        return field;
    }

    private static Bitfield All(int count)
    {
        var field = new Bitfield(count);
        field.SetAll();
        return field;
    }

    private static PiecePicker NewPicker(int randomFirst = 0, Bitfield? have = null, int seed = 1) =>
        new(Layout, have ?? new Bitfield(Layout.PieceCount), new Random(seed), randomFirst);

    private static BlockRequest[] Pick(PiecePicker picker, int peer, Bitfield has, int max)
    {
        var buffer = new BlockRequest[max];
        var n = picker.Pick(peer, has, buffer);
        var result = buffer[..n];
        picker.CheckInvariants();
        return result;
    }

    private static void Download(PiecePicker picker, int peer, Bitfield has)
    {
        while (true)
        {
            var blocks = Pick(picker, peer, has, 50);
            if (blocks.Length == 0) return;
            foreach (var block in blocks)
                if (picker.BlockReceived(peer, block).PieceComplete) picker.PieceVerified(block.Piece);
        }
    }

    [Fact]
    public void Constructor_rejects_a_have_field_of_the_wrong_size()
    {
        var e = Assert.Throws<ArgumentException>(() => new PiecePicker(Layout, new Bitfield(3), new Random(1)));
        Assert.Contains("3 pieces", e.Message);
    }

    [Fact]
    public void New_picker_knows_no_availability_and_is_neither_complete_nor_in_endgame()
    {
        var picker = NewPicker();
        Assert.False(picker.IsComplete);
        Assert.False(picker.InEndgame);
        Assert.Equal(0, picker.Availability(0));
        Assert.Equal(Layout.TotalBlocks, picker.UnclaimedBlocks);
        Assert.True(picker.Have.NoneSet);
        picker.CheckInvariants();
    }

    [Fact]
    public void The_picker_copies_the_have_field_it_is_given()
    {
        var have = Field(Layout.PieceCount, 2);
        var picker = NewPicker(have: have);
        have[3] = true;
        Assert.False(picker.Have[3]);
        Assert.True(picker.Have[2]);
    }

    [Fact]
    public void A_complete_picker_picks_nothing()
    {
        var picker = NewPicker(have: All(Layout.PieceCount));
        Assert.True(picker.IsComplete);
        Assert.False(picker.InEndgame);
        picker.PeerAdded(1, All(Layout.PieceCount));
        Assert.Empty(Pick(picker, 1, All(Layout.PieceCount), 10));
    }

    [Fact]
    public void PeerAdded_counts_availability_and_rejects_duplicates_and_wrong_sizes()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 0, 5));
        picker.PeerAdded(2, Field(Layout.PieceCount, 5));
        Assert.Equal(1, picker.Availability(0));
        Assert.Equal(2, picker.Availability(5));
        Assert.Equal(0, picker.Availability(1));
        Assert.Throws<InvalidOperationException>(() => picker.PeerAdded(1, new Bitfield(Layout.PieceCount)));
        Assert.Throws<ArgumentException>(() => picker.PeerAdded(3, new Bitfield(2)));
        picker.CheckInvariants();
    }

    [Fact]
    public void PeerAdded_keeps_its_own_copy_of_the_bitfield()
    {
        var picker = NewPicker();
        var has = Field(Layout.PieceCount, 1);
        picker.PeerAdded(1, has);
        has[2] = true;
        picker.PeerRemoved(1);
        Assert.Equal(0, picker.Availability(1));
        Assert.Equal(0, picker.Availability(2));
        picker.CheckInvariants();
    }

    [Fact]
    public void PeerHave_counts_a_piece_once()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, new Bitfield(Layout.PieceCount));
        picker.PeerHave(1, 4);
        picker.PeerHave(1, 4);
        Assert.Equal(1, picker.Availability(4));
        picker.CheckInvariants();
    }

    [Fact]
    public void PeerHave_rejects_unknown_peers_and_pieces_outside_the_torrent()
    {
        var picker = NewPicker();
        Assert.Throws<InvalidOperationException>(() => picker.PeerHave(9, 0));
        picker.PeerAdded(1, new Bitfield(Layout.PieceCount));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => picker.PeerHave(1, Layout.PieceCount));
        Assert.Contains("piece 10", e.Message);
    }

    [Fact]
    public void PeerHaveAll_counts_every_piece_the_peer_did_not_have_yet()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 3));
        picker.PeerHaveAll(1);
        for (var piece = 0; piece < Layout.PieceCount; piece++) Assert.Equal(1, picker.Availability(piece));
        picker.CheckInvariants();
    }

    [Fact]
    public void PeerRemoved_uncounts_its_pieces_releases_its_claims_and_ignores_unknown_peers()
    {
        var picker = NewPicker();
        var has = Field(Layout.PieceCount, 0, 1);
        picker.PeerAdded(1, has);
        picker.PeerHave(1, 2);
        Assert.Equal(3, Pick(picker, 1, Field(Layout.PieceCount, 0, 1, 2), 3).Length);
        picker.PeerRemoved(1);
        picker.PeerRemoved(1);
        picker.PeerRemoved(42);
        Assert.Equal(0, picker.Availability(0));
        Assert.Equal(0, picker.Availability(2));
        Assert.Empty(picker.ClaimsOf(1));
        Assert.Equal(Layout.TotalBlocks, picker.UnclaimedBlocks);
        picker.CheckInvariants();
    }

    [Fact]
    public void IsInteresting_when_the_peer_has_a_piece_we_lack()
    {
        var picker = NewPicker(have: Field(Layout.PieceCount, 0, 1));
        Assert.False(picker.IsInteresting(Field(Layout.PieceCount, 0, 1)));
        Assert.False(picker.IsInteresting(new Bitfield(Layout.PieceCount)));
        Assert.True(picker.IsInteresting(Field(Layout.PieceCount, 1, 7)));
        Assert.Throws<ArgumentException>(() => picker.IsInteresting(new Bitfield(1)));
    }

    [Fact]
    public void Pick_with_an_unknown_peer_is_an_error()
    {
        var picker = NewPicker();
        var e = Assert.Throws<InvalidOperationException>(() => picker.Pick(7, All(Layout.PieceCount), new BlockRequest[4]));
        Assert.Contains("peer 7", e.Message);
    }

    [Fact]
    public void Pick_into_an_empty_span_or_from_an_empty_peer_claims_nothing()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        picker.PeerAdded(2, new Bitfield(Layout.PieceCount));
        Assert.Equal(0, picker.Pick(1, All(Layout.PieceCount), Span<BlockRequest>.Empty));
        Assert.Empty(Pick(picker, 2, new Bitfield(Layout.PieceCount), 8));
        Assert.Equal(Layout.TotalBlocks, picker.UnclaimedBlocks);
    }

    [Fact]
    public void Pick_claims_whole_pieces_block_by_block_in_order()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 3));
        var blocks = Pick(picker, 1, Field(Layout.PieceCount, 3), 10);
        Assert.Equal(new[] { new BlockRequest(3, 0, Block), new BlockRequest(3, Block, Block), new BlockRequest(3, 2 * Block, Block), new BlockRequest(3, 3 * Block, Block) }, blocks);
        Assert.Equal(blocks.ToHashSet(), picker.ClaimsOf(1).ToHashSet());
    }

    [Fact]
    public void The_short_last_piece_gets_a_short_last_block()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 9));
        var blocks = Pick(picker, 1, Field(Layout.PieceCount, 9), 10);
        Assert.Equal(new[] { new BlockRequest(9, 0, Block), new BlockRequest(9, Block, Block / 2) }, blocks);
    }

    [Fact]
    public void Pick_never_offers_a_piece_we_have_or_the_peer_lacks()
    {
        var have = Field(Layout.PieceCount, 0, 2, 4);
        var picker = NewPicker(have: have);
        var peerHas = Field(Layout.PieceCount, 0, 1, 2, 3, 4);
        picker.PeerAdded(1, peerHas);
        var blocks = Pick(picker, 1, peerHas, 100);
        Assert.Equal(8, blocks.Length);
        Assert.All(blocks, b => Assert.Contains(b.Piece, new[] { 1, 3 }));
    }

    [Fact]
    public void Started_pieces_are_finished_before_new_ones_are_started()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        picker.PeerAdded(2, All(Layout.PieceCount));
        var first = Pick(picker, 1, All(Layout.PieceCount), 2);
        var started = first[0].Piece;
        var second = Pick(picker, 2, All(Layout.PieceCount), 3);
        Assert.Equal(started, second[0].Piece);
        Assert.Equal(started, second[1].Piece);
        Assert.NotEqual(started, second[2].Piece);
        Assert.Equal(new[] { 2 * Block, 3 * Block }, second[..2].Select(b => b.Offset));
    }

    [Fact]
    public void Rarest_piece_is_picked_first_once_random_first_pieces_are_done()
    {
        var picker = NewPicker(randomFirst: 0);
        picker.PeerAdded(1, All(Layout.PieceCount));
        var others = All(Layout.PieceCount);
        others[6] = false;
        picker.PeerAdded(2, others);
        picker.PeerAdded(3, others.Clone());
        Assert.Equal(6, Pick(picker, 1, All(Layout.PieceCount), 1)[0].Piece);
    }

    [Fact]
    public void Rarest_first_orders_new_pieces_by_availability()
    {
        var picker = NewPicker(randomFirst: 0);
        // Piece p is held by p + 1 peers (p < 5); pieces 5.. by 6 peers.
        for (var peer = 0; peer < 6; peer++)
        {
            var has = All(Layout.PieceCount);
            for (var p = 0; p < 5; p++) if (peer > p) has[p] = false;
            picker.PeerAdded(peer, has);
        }
        var seeder = All(Layout.PieceCount);
        var order = new List<int>();
        for (var i = 0; i < 5; i++)
            order.Add(Pick(picker, 0, seeder, 4)[0].Piece);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, order);
    }

    [Fact]
    public void Ties_among_equally_rare_pieces_are_broken_at_random_but_reproducibly()
    {
        int FirstPiece(int seed)
        {
            var picker = NewPicker(randomFirst: 0, seed: seed);
            picker.PeerAdded(1, All(Layout.PieceCount));
            return Pick(picker, 1, All(Layout.PieceCount), 1)[0].Piece;
        }
        var firsts = Enumerable.Range(0, 40).Select(FirstPiece).ToHashSet();
        Assert.True(firsts.Count >= 5, $"only {firsts.Count} distinct first pieces over 40 seeds");
        Assert.Equal(FirstPiece(7), FirstPiece(7));
    }

    [Fact]
    public void The_first_pieces_are_random_rather_than_rarest()
    {
        var rarestChosen = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var picker = NewPicker(randomFirst: 4, seed: seed);
            picker.PeerAdded(1, All(Layout.PieceCount));
            var others = All(Layout.PieceCount);
            others[6] = false;
            picker.PeerAdded(2, others);
            if (Pick(picker, 1, All(Layout.PieceCount), 1)[0].Piece == 6) rarestChosen++;
        }
        Assert.InRange(rarestChosen, 0, 15);
    }

    [Fact]
    public void After_random_first_pieces_are_verified_the_rarest_is_picked()
    {
        var picker = NewPicker(randomFirst: 2, seed: 3);
        picker.PeerAdded(1, All(Layout.PieceCount));
        var others = All(Layout.PieceCount);
        others[6] = false;
        others[7] = false;
        picker.PeerAdded(2, others);
        others = others.Clone();
        others[7] = true;
        picker.PeerAdded(3, others);
        // Verify two pieces other than 6 and 7 to leave the random phase.
        picker.PieceVerified(0);
        picker.PieceVerified(1);
        Assert.Equal(6, Pick(picker, 1, All(Layout.PieceCount), 4)[0].Piece);
        Assert.Equal(7, Pick(picker, 1, All(Layout.PieceCount), 4)[0].Piece);
    }

    [Fact]
    public void Two_peers_never_share_a_claim_outside_endgame()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        picker.PeerAdded(2, All(Layout.PieceCount));
        var a = Pick(picker, 1, All(Layout.PieceCount), 15);
        var b = Pick(picker, 2, All(Layout.PieceCount), 15);
        Assert.Empty(a.Intersect(b));
        Assert.False(picker.InEndgame);
    }

    [Fact]
    public void Endgame_starts_when_every_missing_block_is_in_transit_and_duplicates_other_claims()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        picker.PeerAdded(2, All(Layout.PieceCount));
        var a = Pick(picker, 1, All(Layout.PieceCount), 1000);
        Assert.Equal(Layout.TotalBlocks, a.Length);
        Assert.True(picker.InEndgame);
        // Peer 1 has everything claimed itself: nothing more for it.
        Assert.Empty(Pick(picker, 1, All(Layout.PieceCount), 10));
        var b = Pick(picker, 2, All(Layout.PieceCount), 10);
        Assert.Equal(PiecePicker.DefaultMaxDuplicatesPerPeer, b.Length); // a peer's duplicates are bounded
        Assert.All(b, block => Assert.Contains(block, a));
        Assert.Equal(b.Length, b.Distinct().Count());
        // A third peer prefers blocks claimed once over blocks already duplicated.
        picker.PeerAdded(3, All(Layout.PieceCount));
        var c = Pick(picker, 3, All(Layout.PieceCount), 10);
        Assert.Empty(c.Intersect(b));
    }

    [Fact]
    public void In_endgame_the_first_arrival_reports_the_other_claimants_to_cancel()
    {
        var picker = new PiecePicker(Layout, new Bitfield(Layout.PieceCount), new Random(1), 0, maxDuplicatesPerPeer: int.MaxValue);
        picker.PeerAdded(1, All(Layout.PieceCount));
        picker.PeerAdded(2, All(Layout.PieceCount));
        picker.PeerAdded(3, All(Layout.PieceCount));
        Pick(picker, 1, All(Layout.PieceCount), 1000);
        var dup2 = Pick(picker, 2, All(Layout.PieceCount), 1)[0];
        var dup3 = Pick(picker, 3, All(Layout.PieceCount), 1000);
        Assert.Equal(Layout.TotalBlocks, dup3.Length);
        Assert.Contains(dup2, dup3);
        var result = picker.BlockReceived(2, dup2);
        Assert.True(result.Expected);
        Assert.True(result.WasClaimed);
        Assert.Equal(new[] { 1, 3 }, result.CancelAt.Order());
        Assert.DoesNotContain(dup2, picker.ClaimsOf(1));
        Assert.DoesNotContain(dup2, picker.ClaimsOf(3));
        picker.CheckInvariants();
        // The loser's copy arrives anyway: not expected.
        var late = picker.BlockReceived(3, dup2);
        Assert.False(late.Expected);
        Assert.Empty(late.CancelAt);
    }

    [Fact]
    public void BlockReceived_reports_piece_completion_on_the_last_block()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 9));
        var blocks = Pick(picker, 1, Field(Layout.PieceCount, 9), 10);
        var first = picker.BlockReceived(1, blocks[0]);
        Assert.True(first.Expected);
        Assert.False(first.PieceComplete);
        Assert.Empty(first.CancelAt);
        var last = picker.BlockReceived(1, blocks[1]);
        Assert.True(last.Expected);
        Assert.True(last.PieceComplete);
        Assert.Empty(picker.ClaimsOf(1));
        picker.CheckInvariants();
    }

    [Fact]
    public void A_duplicate_block_is_not_expected()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        var block = Pick(picker, 1, All(Layout.PieceCount), 1)[0];
        Assert.True(picker.BlockReceived(1, block).Expected);
        var again = picker.BlockReceived(1, block);
        Assert.False(again.Expected);
        Assert.False(again.PieceComplete);
        picker.CheckInvariants();
    }

    [Fact]
    public void Blocks_that_do_not_fit_the_layout_are_not_expected()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        Assert.False(picker.BlockReceived(1, new BlockRequest(10, 0, Block)).Expected);
        Assert.False(picker.BlockReceived(1, new BlockRequest(-1, 0, Block)).Expected);
        Assert.False(picker.BlockReceived(1, new BlockRequest(0, 1, Block)).Expected);
        Assert.False(picker.BlockReceived(1, new BlockRequest(0, 4 * Block, Block)).Expected);
        Assert.False(picker.BlockReceived(1, new BlockRequest(0, 0, Block - 1)).Expected);
        Assert.False(picker.BlockReceived(1, new BlockRequest(9, Block, Block)).Expected);
        Assert.False(picker.BlockReceived(1, new BlockRequest(0, -Block, Block)).Expected);
        picker.CheckInvariants();
    }

    [Fact]
    public void A_needed_block_nobody_claimed_is_still_taken()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        var result = picker.BlockReceived(1, new BlockRequest(5, Block, Block));
        Assert.True(result.Expected);
        Assert.False(result.WasClaimed);
        Assert.Equal(Layout.TotalBlocks - 1, picker.UnclaimedBlocks);
        picker.CheckInvariants();
        // The started piece is finished first, without the block that already arrived.
        var blocks = Pick(picker, 1, All(Layout.PieceCount), 3);
        Assert.Equal(new[] { new BlockRequest(5, 0, Block), new BlockRequest(5, 2 * Block, Block), new BlockRequest(5, 3 * Block, Block) }, blocks);
    }

    /// <summary>
    /// A peer that serves a block a second (unworkable) had 64 requests over four pieces trimmed to a few; asking for a
    /// few blocks at a time, it must finish one piece after another, not take a block of each started piece.
    /// </summary>
    [Fact]
    public void A_peer_asking_for_few_blocks_continues_the_started_piece_nearest_to_fully_claimed()
    {
        var picker = NewPicker();
        var all = All(Layout.PieceCount);
        picker.PeerAdded(1, all);
        var claimed = Pick(picker, 1, all, 16); // four pieces, four blocks each
        var pieces = claimed.Select(b => b.Piece).Distinct().ToArray();
        Assert.Equal(4, pieces.Length);
        var (received, inTransit) = (pieces[0], pieces[2]);
        picker.BlockReceived(1, new BlockRequest(received, 0, Block)); // one block of the first arrived
        foreach (var block in claimed.Where(b => b.Piece != received && b.Piece != inTransit)) picker.Release(1, block); // trimmed
        foreach (var block in claimed.Where(b => b.Piece == received && b.Offset > 0)) picker.Release(1, block);
        foreach (var block in claimed.Where(b => b.Piece == inTransit && b.Offset >= 2 * Block)) picker.Release(1, block); // two left in transit

        // The third piece has two free blocks, the first three, the others four each.
        Assert.Equal(new[] { new BlockRequest(inTransit, 2 * Block, Block), new BlockRequest(inTransit, 3 * Block, Block) }, Pick(picker, 1, all, 2));
        Assert.Equal(new[] { new BlockRequest(received, Block, Block), new BlockRequest(received, 2 * Block, Block) }, Pick(picker, 1, all, 2));
    }

    [Fact]
    public void A_late_block_after_release_is_taken_and_cancels_the_new_claimant()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        picker.PeerAdded(2, All(Layout.PieceCount));
        var block = Pick(picker, 1, All(Layout.PieceCount), 1)[0];
        picker.Release(1, block);
        Assert.Equal(block, Pick(picker, 2, All(Layout.PieceCount), 1)[0]);
        var late = picker.BlockReceived(1, block);
        Assert.True(late.Expected);
        Assert.False(late.WasClaimed);
        Assert.Equal(new[] { 2 }, late.CancelAt);
        Assert.Empty(picker.ClaimsOf(2));
        picker.CheckInvariants();
    }

    [Fact]
    public void Blocks_from_a_removed_peer_are_still_taken()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        var block = Pick(picker, 1, All(Layout.PieceCount), 1)[0];
        picker.PeerRemoved(1);
        Assert.True(picker.BlockReceived(1, block).Expected);
        picker.CheckInvariants();
    }

    [Fact]
    public void A_block_of_a_verified_piece_is_not_expected()
    {
        var picker = NewPicker(have: Field(Layout.PieceCount, 2));
        picker.PeerAdded(1, All(Layout.PieceCount));
        Assert.False(picker.BlockReceived(1, new BlockRequest(2, 0, Block)).Expected);
    }

    [Fact]
    public void Release_returns_the_block_to_the_pool_for_another_peer()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        picker.PeerAdded(2, All(Layout.PieceCount));
        var blocks = Pick(picker, 1, All(Layout.PieceCount), 4);
        picker.Release(1, blocks[2]);
        picker.Release(1, blocks[2]);
        picker.Release(9, blocks[1]);
        picker.CheckInvariants();
        Assert.DoesNotContain(blocks[2], picker.ClaimsOf(1));
        Assert.Equal(blocks[2], Pick(picker, 2, All(Layout.PieceCount), 1)[0]);
    }

    [Fact]
    public void ReleaseAll_returns_every_claim()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        Pick(picker, 1, All(Layout.PieceCount), 7);
        picker.ReleaseAll(1);
        picker.ReleaseAll(5);
        Assert.Empty(picker.ClaimsOf(1));
        Assert.Equal(Layout.TotalBlocks, picker.UnclaimedBlocks);
        picker.CheckInvariants();
    }

    [Fact]
    public void A_verified_piece_joins_have_and_is_never_picked_again()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 4, 5));
        Download(picker, 1, Field(Layout.PieceCount, 4, 5));
        Assert.True(picker.Have[4]);
        Assert.True(picker.Have[5]);
        Assert.Equal(2, picker.Have.SetCount);
        Assert.Empty(Pick(picker, 1, Field(Layout.PieceCount, 4, 5), 10));
        Assert.False(picker.IsInteresting(Field(Layout.PieceCount, 4, 5)));
    }

    [Fact]
    public void Downloading_everything_makes_the_picker_complete()
    {
        var picker = NewPicker(randomFirst: 4);
        picker.PeerAdded(1, All(Layout.PieceCount));
        Download(picker, 1, All(Layout.PieceCount));
        Assert.True(picker.IsComplete);
        Assert.False(picker.InEndgame);
        Assert.Equal(0, picker.ActivePieceCount);
        picker.CheckInvariants();
    }

    [Fact]
    public void PieceVerified_on_an_untouched_or_already_verified_piece_is_consistent()
    {
        var picker = NewPicker();
        picker.PieceVerified(3);
        picker.PieceVerified(3);
        Assert.True(picker.Have[3]);
        Assert.Equal(Layout.TotalBlocks - 4, picker.UnclaimedBlocks);
        picker.CheckInvariants();
        Assert.Throws<ArgumentOutOfRangeException>(() => picker.PieceVerified(10));
    }

    [Fact]
    public void PieceVerified_drops_claims_still_held_on_the_piece()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 2));
        Pick(picker, 1, Field(Layout.PieceCount, 2), 4);
        picker.PieceVerified(2);
        Assert.Empty(picker.ClaimsOf(1));
        picker.CheckInvariants();
    }

    [Fact]
    public void A_piece_downloaded_before_a_restart_is_never_picked_and_settles_by_its_verdict()
    {
        var picker = NewPicker();
        picker.PieceDownloaded(2);
        picker.PieceDownloaded(2);
        picker.CheckInvariants();
        Assert.False(picker.Have[2]);
        Assert.Equal(Layout.TotalBlocks - 4, picker.UnclaimedBlocks);
        picker.PeerAdded(1, Field(Layout.PieceCount, 2));
        Assert.Empty(Pick(picker, 1, Field(Layout.PieceCount, 2), 10));    // held: none of its blocks is asked for
        picker.PieceFailed(2);                                              // its layer came and it was wrong: all wanted again
        Assert.Equal(4, Pick(picker, 1, Field(Layout.PieceCount, 2), 10).Length);

        var verified = NewPicker();
        verified.PieceDownloaded(5);
        verified.PieceVerified(5);
        Assert.True(verified.Have[5]);
        Assert.Equal(0, verified.ActivePieceCount);
        verified.CheckInvariants();
    }

    [Fact]
    public void A_failed_piece_needs_all_its_blocks_again()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 2));
        var blocks = Pick(picker, 1, Field(Layout.PieceCount, 2), 10);
        foreach (var block in blocks) picker.BlockReceived(1, block);
        picker.PieceFailed(2);
        Assert.False(picker.Have[2]);
        Assert.Equal(Layout.TotalBlocks, picker.UnclaimedBlocks);
        picker.CheckInvariants();
        Assert.Equal(blocks, Pick(picker, 1, Field(Layout.PieceCount, 2), 10));
        var result = default(BlockResult);
        foreach (var block in blocks) result = picker.BlockReceived(1, block);
        Assert.True(result.PieceComplete);
    }

    [Fact]
    public void A_failed_piece_whose_bad_blocks_are_known_needs_only_those_again()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 2));
        var blocks = Pick(picker, 1, Field(Layout.PieceCount, 2), 10);
        foreach (var block in blocks) picker.BlockReceived(1, block);
        var before = picker.UnclaimedBlocks;
        picker.BlocksFailed(2, [1, 3]);
        picker.CheckInvariants();
        Assert.False(picker.Have[2]);
        Assert.Equal(before + 2, picker.UnclaimedBlocks);
        Assert.Equal([blocks[1], blocks[3]], Pick(picker, 1, Field(Layout.PieceCount, 2), 10));
        Assert.False(picker.BlockReceived(1, blocks[0]).Expected);             // a kept block is not taken twice
        Assert.False(picker.BlockReceived(1, blocks[1]).PieceComplete);
        Assert.True(picker.BlockReceived(1, blocks[3]).PieceComplete);
        picker.CheckInvariants();
    }

    [Fact]
    public void BlocksFailed_ignores_blocks_not_received_pieces_not_started_and_verified_pieces()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, Field(Layout.PieceCount, 2));
        var blocks = Pick(picker, 1, Field(Layout.PieceCount, 2), 2);      // blocks 0 and 1 claimed, 2 and 3 free
        picker.BlockReceived(1, blocks[0]);
        var before = picker.UnclaimedBlocks;
        picker.BlocksFailed(2, [1, 2, 99, -1]);                               // claimed, free, out of range: none was received
        picker.BlocksFailed(3, [0]);                                          // not started
        Assert.Equal(before, picker.UnclaimedBlocks);
        picker.CheckInvariants();
        picker.PieceDownloaded(5);
        picker.PieceVerified(5);
        picker.BlocksFailed(5, [0]);
        Assert.True(picker.Have[5]);
        picker.CheckInvariants();
    }

    [Fact]
    public void PieceFailed_on_an_untouched_piece_changes_nothing_and_on_a_verified_piece_is_an_error()
    {
        var picker = NewPicker(have: Field(Layout.PieceCount, 1));
        picker.PieceFailed(0);
        picker.CheckInvariants();
        Assert.Throws<InvalidOperationException>(() => picker.PieceFailed(1));
    }

    [Fact]
    public void ClaimsOf_is_a_snapshot()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        Pick(picker, 1, All(Layout.PieceCount), 3);
        var claims = picker.ClaimsOf(1);
        picker.ReleaseAll(1);
        Assert.Equal(3, claims.Count);
        Assert.Empty(picker.ClaimsOf(1));
        Assert.Empty(picker.ClaimsOf(99));
    }

    [Fact]
    public void A_piece_released_by_a_departed_peer_is_picked_up_by_another()
    {
        var picker = NewPicker();
        picker.PeerAdded(1, All(Layout.PieceCount));
        var blocks = Pick(picker, 1, All(Layout.PieceCount), 1000);
        picker.BlockReceived(1, blocks[0]);
        picker.PeerRemoved(1);
        Assert.False(picker.InEndgame);
        picker.PeerAdded(2, All(Layout.PieceCount));
        Download(picker, 2, All(Layout.PieceCount));
        Assert.True(picker.IsComplete);
    }
}
