using Engine.Core.Extensions;
using Engine.Core.Peers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Peers;

/// <summary>Uploading: choking, the peer's requests, cancels, backpressure and blocks that cannot be read.</summary>
public sealed class PeerSessionUploadTests
{
    private static Reject RejectOf(BlockRequest b) => new(b.Piece, b.Offset, b.Length);

    [Fact]
    public void Requests_while_choked_are_rejected_with_the_fast_extension_and_too_many_of_them_drop_and_ban_the_peer()
    {
        var h = new SessionHarness(new PeerSettings { ChokedRequestGrace = 3 }).Start();
        h.Session.OnWelcome(h.Full(), h.Now);
        h.Effects.Clear();
        for (var i = 0; i < 3; i++) h.Receive(h.RequestFor(h.Block(i, 0)));
        Assert.Equal(3, h.Effects.Messages.OfType<Reject>().Count());
        Assert.Null(h.Effects.Closing);
        h.Receive(h.RequestFor(h.Block(3, 0)));
        Assert.Equal(new Closed("sent 4 requests while choked", true, true), h.Effects.Closing);
        Assert.Empty(h.Effects.UploadedBlocks);
    }

    [Fact]
    public void Requests_while_choked_are_ignored_silently_without_the_fast_extension()
    {
        var h = new SessionHarness().Start(fast: false);
        h.Session.OnWelcome(h.Full(), h.Now);
        h.Effects.Clear();
        h.Receive(h.RequestFor(h.Block(0, 0)));
        Assert.Empty(h.Effects.Messages);
        Assert.Empty(h.Effects.UploadedBlocks);
    }

    [Fact]
    public void An_unchoked_peer_gets_the_pieces_we_have_and_a_reject_for_those_we_do_not()
    {
        var have = new Bitfield(10) { [2] = true };
        var h = new SessionHarness().Uploading(have: have);
        h.Receive(h.RequestFor(h.Block(2, 0)));
        h.Receive(h.RequestFor(h.Block(3, 0)));
        h.Receive(h.RequestFor(h.Block(2, 0))); // a duplicate of one handed on already: it is queued again, the peer asked twice
        Assert.Equal([h.Block(2, 0), h.Block(2, 0)], h.Effects.UploadedBlocks);
        Assert.Equal([RejectOf(h.Block(3, 0))], h.Effects.Messages);
        Assert.Equal(2L * h.Block(2, 0).Length, h.Session.Uploaded);
    }

    [Fact]
    public void A_duplicate_of_a_waiting_request_is_ignored()
    {
        var h = new SessionHarness().Uploading();
        h.Session.OnSent(PeerSession.MaxOutboundQueued, h.Now); // the write loop is full: requests wait here
        h.Receive(h.RequestFor(h.Block(1, 0)));
        h.Receive(h.RequestFor(h.Block(1, 0)));
        Assert.Equal(1, h.Session.QueuedRequests);
        h.Session.OnSent(0, h.Now);
        Assert.Equal([h.Block(1, 0)], h.Effects.UploadedBlocks);
    }

    [Fact]
    public void Requests_wait_while_the_write_loop_is_full_and_go_on_in_order_as_it_drains()
    {
        var h = new SessionHarness().Uploading();
        var blocks = Enumerable.Range(0, 40).Select(i => h.Block(i / 2 % 10, i % 2)).Distinct().ToArray();
        h.Session.OnSent(PeerSession.MaxOutboundQueued - 1, h.Now);
        foreach (var b in blocks) h.Receive(h.RequestFor(b));
        Assert.Empty(h.Effects.UploadedBlocks); // nothing sent yet: the loop's bound is its smallest, and it is over it
        for (var round = 0; round < 40 && h.Effects.UploadedBlocks.Count() < blocks.Length; round++)
        {
            h.Advance(TimeSpan.FromMilliseconds(1));
            h.Session.OnSent(0, h.Now, sentPieceBytes: 2 * blocks[0].Length); // the loop drained and sent what it had
        }
        Assert.Equal(blocks, h.Effects.UploadedBlocks);
        Assert.All(h.Effects.Of<Uploaded>(), u => Assert.True(u.Blocks.Length <= PeerSession.MaxHandedAtOnce));
    }

    [Fact]
    public void At_a_low_send_rate_the_write_loop_holds_two_blocks_and_a_cancel_still_takes_back_the_rest()
    {
        var h = new SessionHarness().Uploading();
        var blocks = Enumerable.Range(0, 20).Select(i => h.Block(i / 2, i % 2)).ToArray();
        foreach (var b in blocks) h.Receive(h.RequestFor(b));
        Assert.Equal(blocks[..2], h.Effects.UploadedBlocks); // nothing sent yet: two blocks, one to send and one read
        for (var second = 0; second < 5; second++)
        {
            h.Advance(TimeSpan.FromSeconds(1));
            h.Session.OnSent(blocks[0].Length + 13, h.Now, sentPieceBytes: blocks[0].Length); // 16 KiB a second
        }
        Assert.True(h.Effects.UploadedBlocks.Count() <= 8, $"{h.Effects.UploadedBlocks.Count()} blocks handed on at 16 KiB/s");
        var last = blocks[^1];
        h.Receive(new Cancel(last.Piece, last.Offset, last.Length));
        Assert.Contains(RejectOf(last), h.Effects.Messages); // it was still waiting here
    }

    [Fact]
    public void A_fast_peer_gets_the_whole_bound_within_a_few_batches()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384)).Uploading();
        var blocks = Enumerable.Range(0, 400).Select(i => h.Block(i / 64, i % 64)).ToArray();
        foreach (var b in blocks) h.Receive(h.RequestFor(b));
        var before = 0;
        for (var batch = 0; batch < 4; batch++)
        {
            before = h.Effects.UploadedBlocks.Count();
            h.Advance(TimeSpan.FromMilliseconds(1));
            h.Session.OnSent(0, h.Now, sentPieceBytes: 256 * 1024); // the loop sent a quarter MiB in a millisecond
        }
        var lastBatch = (h.Effects.UploadedBlocks.Count() - before) * (blocks[0].Length + 13L);
        Assert.True(lastBatch >= PeerSession.MaxOutboundQueued, $"the fourth batch handed on only {lastBatch} bytes");
    }

    [Fact]
    public void A_cancel_removes_a_waiting_request_with_a_reject_and_a_request_handed_on_is_sent_anyway()
    {
        var h = new SessionHarness().Uploading();
        h.Receive(h.RequestFor(h.Block(0, 0)));             // handed on at once
        h.Session.OnSent(PeerSession.MaxOutboundQueued, h.Now);
        h.Receive(h.RequestFor(h.Block(0, 1)));             // waits
        h.Receive(new Cancel(0, 0, h.Block(0, 0).Length));
        h.Receive(new Cancel(0, h.Block(0, 1).Offset, h.Block(0, 1).Length));
        h.Session.OnSent(0, h.Now);
        Assert.Equal([h.Block(0, 0)], h.Effects.UploadedBlocks);
        Assert.Equal([RejectOf(h.Block(0, 1))], h.Effects.Messages);
    }

    [Fact]
    public void Choking_discards_the_waiting_requests_rejecting_each_and_the_choke_follows_what_was_handed_on()
    {
        var h = new SessionHarness().Uploading();
        h.Receive(h.RequestFor(h.Block(0, 0)));
        h.Session.OnSent(PeerSession.MaxOutboundQueued, h.Now);
        h.Receive(h.RequestFor(h.Block(1, 0)));
        h.Receive(h.RequestFor(h.Block(2, 0)));
        var handOffs = h.Effects.SendHandOffs;
        h.Session.OnChoke(true, h.Now);
        Assert.Equal(handOffs + 1, h.Effects.SendHandOffs); // the choke and both rejects: one message to the write loop
        h.Session.OnSent(0, h.Now);
        Assert.Equal([h.Block(0, 0)], h.Effects.UploadedBlocks);
        var after = h.Effects.All.SkipWhile(e => e is not Uploaded).Skip(1).OfType<Sent>().Select(s => s.Message).ToList();
        Assert.Equal(Choke.Instance, after[0]);
        Assert.Equal(new PeerMessage[] { RejectOf(h.Block(1, 0)), RejectOf(h.Block(2, 0)) }.ToHashSet(), after.Skip(1).ToHashSet());
        Assert.True(h.Session.AmChoking);
    }

    [Fact]
    public void More_requests_queued_than_the_limit_drop_the_peer_without_a_ban()
    {
        var h = new SessionHarness(new PeerSettings { MaxQueuedUploadRequests = 4 }).Uploading();
        h.Session.OnSent(PeerSession.MaxOutboundQueued, h.Now);
        for (var i = 0; i < 4; i++) h.Receive(h.RequestFor(h.Block(i, 0)));
        Assert.Null(h.Effects.Closing);
        h.Receive(h.RequestFor(h.Block(5, 0)));
        Assert.Equal(new Closed("more than 4 queued requests", true, false), h.Effects.Closing);
    }

    [Fact]
    public void A_peer_that_keeps_as_many_requests_outstanding_as_our_reqq_is_served_not_dropped()
    {
        var h = new SessionHarness(layout: new TorrentLayout(125L * 256 * 1024, 256 * 1024)).Uploading(); // 2000 blocks
        Assert.Equal(2000, h.Settings.AdvertisedRequestQueue);
        h.Session.OnSent(PeerSession.MaxOutboundQueued, h.Now); // the write loop is full: every request waits
        for (var i = 0; i < h.Settings.AdvertisedRequestQueue; i++) h.Receive(h.RequestFor(h.Block(i / 16, i % 16)));
        Assert.Null(h.Effects.Closing);
        Assert.Equal(2000, h.Session.QueuedRequests);
    }

    [Fact]
    public void The_queue_limit_we_configure_is_the_reqq_we_advertise()
    {
        var h = new SessionHarness(new PeerSettings { MaxQueuedUploadRequests = 123 });
        Assert.True(h.Session.OnHandshake(new Handshake(SessionHarness.Hash, h.Theirs, true, true), h.Now));
        var ext = Assert.IsType<Extended>(Assert.Single(h.Effects.Messages));
        Assert.Equal(123, ExtensionHandshake.Decode(ext.Payload).RequestQueue);
    }

    [Fact]
    public void A_block_that_cannot_be_read_is_rejected_and_only_the_first_one_is_logged()
    {
        var h = new SessionHarness().Uploading();
        h.Session.OnPieceUnavailable(h.Block(0, 0), "file gone", h.Now);
        h.Session.OnPieceUnavailable(h.Block(0, 1), "file gone", h.Now);
        Assert.Single(h.Effects.Of<Warned>());
        Assert.Contains("file gone", h.Effects.Of<Warned>().Single().Message);
        Assert.Equal([RejectOf(h.Block(0, 0)), RejectOf(h.Block(0, 1))], h.Effects.Messages);
    }

    [Fact]
    public void Interest_and_choke_changes_refresh_the_peer_managers_view()
    {
        var h = new SessionHarness().Start();
        h.Receive(Interested.Instance);
        Assert.True(h.Session.PeerInterested);
        h.Session.OnChoke(false, h.Now);
        h.Session.OnChoke(false, h.Now);
        h.Receive(NotInterested.Instance);
        Assert.Equal(3, h.Effects.Of<Stats>().Count());
        Assert.Equal([Unchoke.Instance], h.Effects.Messages);
    }

    [Fact]
    public void Without_the_fast_extension_a_block_that_cannot_be_read_closes_the_connection_instead_of_leaving_the_peer_waiting()
    {
        var h = new SessionHarness().Uploading(fast: false);
        h.Session.OnPieceUnavailable(h.Block(0, 0), "file truncated", h.Now);
        Assert.Empty(h.Effects.Messages);
        var closed = h.Effects.Closing!;
        Assert.Contains("file truncated", closed.Reason);
        Assert.False(closed.Ban); // our disk, not its fault
    }

    [Fact]
    public void A_piece_we_lost_is_no_longer_served_its_queued_requests_are_rejected_and_new_ones_too()
    {
        var h = new SessionHarness().Uploading();
        h.Session.OnSent(PeerSession.MaxOutboundQueued, h.Now); // the write loop is full: requests wait here
        h.Receive(new Request(3, 0, h.Block(3, 0).Length));
        h.Receive(new Request(4, 0, h.Block(4, 0).Length));
        h.Effects.Clear();
        h.Session.OnWeLost(3, h.Now);
        Assert.Equal([RejectOf(h.Block(3, 0))], h.Effects.Messages);
        h.Effects.Clear();
        h.Receive(new Request(3, h.Block(3, 1).Offset, h.Block(3, 1).Length));
        Assert.Equal([RejectOf(h.Block(3, 1))], h.Effects.Messages);
        h.Effects.Clear();
        h.Session.OnSent(0, h.Now);
        Assert.Equal([h.Block(4, 0)], h.Effects.UploadedBlocks);
        // Verified again: served again.
        h.Session.OnWeHave(3, h.Now);
        h.Effects.Clear();
        h.Receive(new Request(3, 0, h.Block(3, 0).Length));
        Assert.Equal([h.Block(3, 0)], h.Effects.UploadedBlocks);
    }
}
