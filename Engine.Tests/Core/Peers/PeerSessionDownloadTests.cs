using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Peers;

/// <summary>Downloading: interest, requests, the blocks that arrive (or do not), choke and reject.</summary>
public sealed class PeerSessionDownloadTests
{
    [Fact]
    public void Interest_is_told_once_per_change_and_blocks_are_asked_for_only_once_the_peer_unchokes_us()
    {
        var h = new SessionHarness().Start();
        h.Session.OnInterest(true, h.Now);
        h.Session.OnInterest(true, h.Now);
        Assert.Equal([Interested.Instance], h.Effects.Messages);
        Assert.Empty(h.Effects.Of<Asked>());

        h.Receive(Unchoke.Instance);
        Assert.Equal(new Asked(RequestPipeline.InitialDepth), h.Effects.Of<Asked>().Single());
        h.Session.OnInterest(false, h.Now);
        Assert.Equal([Interested.Instance, NotInterested.Instance], h.Effects.Messages);
    }

    [Fact]
    public void Assigned_blocks_are_requested_in_one_hand_off_and_blocks_assigned_while_choked_go_back()
    {
        var h = new SessionHarness().Downloading();
        BlockRequest[] blocks = [h.Block(3, 0), h.Block(3, 1), h.Block(4, 0)];
        h.Session.OnBlocksAssigned(blocks, h.Now);
        Assert.Equal(blocks.Select(h.RequestFor), h.Effects.Messages);
        Assert.Equal(1, h.Effects.SendHandOffs);
        Assert.Equal(3, h.Session.Outstanding);

        h.Effects.Clear();
        h.Receive(Choke.Instance); // with the fast extension a choke keeps our requests: the peer rejects what it drops
        Assert.Empty(h.Effects.ReleasedBlocks);
        h.Session.OnBlocksAssigned([h.Block(5, 0)], h.Now);
        Assert.Equal([h.Block(5, 0)], h.Effects.ReleasedBlocks);
        Assert.Empty(h.Effects.Messages);
    }

    [Fact]
    public void A_choke_without_the_fast_extension_gives_every_outstanding_block_back()
    {
        var h = new SessionHarness().Downloading(fast: false);
        BlockRequest[] blocks = [h.Block(3, 0), h.Block(3, 1)];
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Receive(Choke.Instance);
        Assert.Equal(blocks.ToHashSet(), h.Effects.ReleasedBlocks.ToHashSet());
        Assert.Equal(0, h.Session.Outstanding);
    }

    [Fact]
    public void A_requested_block_is_delivered_and_more_are_asked_for_an_unrequested_or_repeated_one_is_released()
    {
        var h = new SessionHarness().Downloading();
        var block = h.Block(2, 0);
        h.Session.OnBlocksAssigned([block], h.Now);
        h.Effects.Clear();

        var first = h.Piece(block);
        h.Receive(first);
        var again = h.Piece(block);
        h.Receive(again);
        var stray = h.Piece(h.Block(6, 1));
        h.Receive(stray);

        Assert.Equal([first], h.Effects.DeliveredBlocks);
        Assert.Equal([again, stray], h.Effects.Of<Discarded>().Select(d => d.Block));
        Assert.Single(h.Effects.Of<Asked>());
        Assert.Equal(block.Length, h.Session.Downloaded);
    }

    [Fact]
    public void The_blocks_of_one_read_are_delivered_together_after_the_reads_other_messages_and_more_are_asked_for_once()
    {
        var h = new SessionHarness().Downloading();
        BlockRequest[] blocks = [h.Block(3, 0), h.Block(3, 1), h.Block(4, 0)];
        var rejected = h.Block(4, 1);
        h.Session.OnBlocksAssigned([.. blocks, rejected], h.Now);
        h.Effects.Clear();

        var stray = h.Piece(h.Block(5, 0));
        PieceMessage[] arriving = [h.Piece(blocks[0], 1), h.Piece(blocks[1], 2), h.Piece(blocks[2], 3)];
        h.ReceiveRead(arriving[0], arriving[1], new Reject(rejected.Piece, rejected.Offset, rejected.Length), stray, arriving[2]);

        Assert.Equal([rejected], h.Effects.ReleasedBlocks);
        var delivered = h.Effects.Of<Delivered>().Single();
        Assert.Equal(arriving, delivered.Blocks);
        Assert.Equal(new Discarded(stray), h.Effects.All.Single(e => e is Discarded));
        var order = h.Effects.All.Select(e => e.GetType()).ToList();
        Assert.True(order.IndexOf(typeof(Released)) < order.IndexOf(typeof(Delivered)));
        Assert.Single(h.Effects.Of<Asked>()); // the reject freed room and asked; the read's end asks no more
    }

    [Fact]
    public void The_pipeline_is_topped_up_only_when_a_quarter_of_it_is_free()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384)).Downloading();
        var blocks = Enumerable.Range(0, RequestPipeline.InitialDepth).Select(i => h.Block(i / 64, i % 64)).ToArray();
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Effects.Clear();
        for (var i = 0; i < RequestPipeline.InitialDepth / 4 - 1; i++) h.Receive(h.Piece(blocks[i]));
        Assert.Empty(h.Effects.Of<Asked>());
        h.Receive(h.Piece(blocks[RequestPipeline.InitialDepth / 4 - 1]));
        Assert.Equal(new Asked(RequestPipeline.InitialDepth / 4), h.Effects.Of<Asked>().Single());
        h.Receive(h.Piece(blocks[RequestPipeline.InitialDepth / 4]));
        Assert.Single(h.Effects.Of<Asked>()); // one question at a time
    }

    [Fact]
    public void A_block_the_piece_manager_cancels_is_cancelled_on_the_wire_and_released_if_it_arrives_later()
    {
        var h = new SessionHarness().Downloading();
        var block = h.Block(1, 1);
        h.Session.OnBlocksAssigned([block], h.Now);
        h.Effects.Clear();
        h.Session.OnCancelBlock(block, h.Now);
        h.Session.OnCancelBlock(block, h.Now);
        Assert.Equal([new Cancel(block.Piece, block.Offset, block.Length)], h.Effects.Messages);
        var late = h.Piece(block);
        h.Receive(late);
        Assert.Contains(new Discarded(late), h.Effects.All);
        Assert.Empty(h.Effects.DeliveredBlocks);
    }

    [Fact]
    public void Requests_taken_back_for_the_stream_window_are_cancelled_on_the_wire_and_the_freed_room_asked_for_at_once_and_one_that_comes_anyway_is_delivered()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384)).Downloading();
        var blocks = Enumerable.Range(0, RequestPipeline.InitialDepth).Select(i => h.Block(i / 64, i % 64)).ToArray();
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Effects.Clear();
        var taken = blocks[^3..];
        h.Session.OnReclaim(taken, h.Now);
        Assert.Equal(taken.Select(b => (object)new Cancel(b.Piece, b.Offset, b.Length)), h.Effects.Messages);
        Assert.Equal(new Asked(3), h.Effects.Of<Asked>().Single()); // less than a quarter of the depth, asked for anyway
        var late = h.Piece(taken[0]);
        h.Receive(late);
        Assert.Equal([late], h.Effects.DeliveredBlocks); // the piece manager takes it unless another copy came first
        var again = h.Piece(taken[0]);
        h.Receive(again);
        Assert.Contains(new Discarded(again), h.Effects.All); // given back once, taken once
    }

    [Fact]
    public void The_peers_reqq_caps_the_pipeline_one_under_it()
    {
        var h = new SessionHarness().Start();
        h.Receive(new Extended(0, new Engine.Core.Bencode.BDictionaryBuilder().Add("reqq", 10).ToArray()));
        h.Session.OnWelcome(new Bitfield(h.Layout.PieceCount), h.Now);
        h.Receive(HaveAll.Instance);
        h.Session.OnInterest(true, h.Now);
        h.Receive(Unchoke.Instance);
        Assert.Equal(new Asked(9), h.Effects.Of<Asked>().Single()); // transmission refuses the request that fills its queue
    }
}
