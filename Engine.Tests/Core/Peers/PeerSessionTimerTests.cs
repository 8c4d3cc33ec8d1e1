using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Peers;

/// <summary>What the once-a-second tick does: silence, keep-alives, skipped blocks, snubbing.</summary>
public sealed class PeerSessionTimerTests
{
    [Fact]
    public void A_peer_silent_for_two_minutes_is_dropped_and_a_keep_alive_resets_the_clock()
    {
        var h = new SessionHarness().Start();
        h.Tick(TimeSpan.FromSeconds(100));
        h.Receive(KeepAlive.Instance);
        h.Tick(TimeSpan.FromSeconds(100));
        Assert.Null(h.Effects.Closing);
        h.Tick(TimeSpan.FromSeconds(21));
        Assert.Equal(new Closed("silent for " + h.Settings.SilenceTimeout, false, false), h.Effects.Closing);
    }

    [Fact]
    public void A_keep_alive_goes_out_after_the_interval_without_sending_and_not_while_the_write_loop_is_busy()
    {
        var h = new SessionHarness().Start();
        h.Tick(h.Settings.KeepAliveInterval - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(KeepAlive.Instance, h.Effects.Messages);
        h.Receive(Interested.Instance); // hearing from the peer does not count as sending
        h.Tick(TimeSpan.FromSeconds(1));
        Assert.Equal([KeepAlive.Instance], h.Effects.Messages.Where(m => m is KeepAlive));

        var busy = new SessionHarness().Start();
        busy.Session.OnSent(64 * 1024, busy.Now); // bytes still queued: they will go out, no keep-alive needed
        busy.Tick(busy.Settings.KeepAliveInterval + TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(KeepAlive.Instance, busy.Effects.Messages);
    }

    [Fact]
    public void A_peer_silent_while_our_requests_wait_is_probed_with_one_keep_alive_per_silence()
    {
        var h = new SessionHarness().Downloading();
        var block = h.Block(0, 0);
        h.Session.OnBlocksAssigned([block], h.Now);
        h.Tick(h.Settings.SilentPeerProbe - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(KeepAlive.Instance, h.Effects.Messages);
        h.Tick(TimeSpan.FromSeconds(1));
        Assert.Single(h.Effects.Messages, m => m is KeepAlive);
        h.Tick(TimeSpan.FromSeconds(10));
        Assert.Single(h.Effects.Messages, m => m is KeepAlive); // once: the probe is out, its answer is the transport's

        h.Receive(h.Piece(block)); // the peer spoke, and nothing is outstanding now: no probe however long it is quiet
        h.Effects.Clear();
        h.Tick(h.Settings.SilentPeerProbe + TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(KeepAlive.Instance, h.Effects.Messages);
    }

    [Fact]
    public void A_peer_that_falls_silent_after_we_sent_it_something_is_still_probed_once()
    {
        // The peer spoke, we sent more (requests, or cancels at a tick) while it was alive, then its process ended.
        var h = new SessionHarness().Downloading();
        h.Session.OnBlocksAssigned([h.Block(0, 0)], h.Now);
        h.Advance(TimeSpan.FromMilliseconds(500));
        h.Session.OnBlocksAssigned([h.Block(0, 1)], h.Now);
        h.Effects.Clear();
        h.Tick(h.Settings.SilentPeerProbe);
        Assert.Single(h.Effects.Messages, m => m is KeepAlive);
        h.Tick(TimeSpan.FromSeconds(10));
        Assert.Single(h.Effects.Messages, m => m is KeepAlive);
    }

    [Fact]
    public void Blocks_skipped_by_the_peer_are_cancelled_and_given_back_after_the_skipped_block_timeout()
    {
        var h = new SessionHarness().Downloading();
        BlockRequest[] early = [h.Block(0, 0), h.Block(0, 1)];
        h.Session.OnBlocksAssigned(early, h.Now);
        h.Advance(TimeSpan.FromSeconds(2));
        var later = h.Block(1, 0);
        h.Session.OnBlocksAssigned([later], h.Now);
        h.Receive(h.Piece(early[1]));
        h.Receive(h.Piece(later)); // served: requested 2 s after early[0], which was skipped
        h.Effects.Clear();

        h.Tick(h.Settings.SkippedBlockTimeout - TimeSpan.FromSeconds(2));
        Assert.Empty(h.Effects.ReleasedBlocks);
        h.Tick(TimeSpan.FromSeconds(1));
        Assert.Equal([early[0]], h.Effects.ReleasedBlocks);
        Assert.Contains(new Cancel(0, 0, early[0].Length), h.Effects.Messages);
        Assert.Equal(0, h.Session.Outstanding);
    }

    [Fact]
    public void A_peer_that_sends_no_block_for_the_request_timeout_has_its_blocks_given_to_others_and_counts_as_snubbed()
    {
        var h = new SessionHarness().Downloading();
        BlockRequest[] blocks = [h.Block(0, 0), h.Block(0, 1)];
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Effects.Clear();
        h.Tick(h.Settings.RequestTimeout);
        Assert.Empty(h.Effects.ReleasedBlocks);
        h.Tick(TimeSpan.FromSeconds(1));
        Assert.Equal(blocks.ToHashSet(), h.Effects.ReleasedBlocks.ToHashSet());
        Assert.False(h.Session.IsSnubbed(h.Now));
        h.Tick(Engine.Core.Choking.Choker.SnubTimeout);
        Assert.True(h.Session.IsSnubbed(h.Now));
    }

    [Fact]
    public void Every_tick_refreshes_the_peer_managers_view_and_nothing_ticks_before_the_handshake()
    {
        var h = new SessionHarness();
        h.Tick(TimeSpan.FromSeconds(300));
        Assert.Empty(h.Effects.All);
        h.Start();
        h.Tick(TimeSpan.FromSeconds(3));
        Assert.Equal(3, h.Effects.Of<Stats>().Count());
    }

    [Fact]
    public void The_pipeline_follows_the_rate_only_from_ticks_in_which_blocks_arrived()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384)).Downloading();
        h.Tick(TimeSpan.FromSeconds(10)); // unchoked but nothing requested yet: no sample
        Assert.Equal(Engine.Core.Pieces.RequestPipeline.InitialDepth, h.Session.PipelineDepth);
        var blocks = Enumerable.Range(0, 64).Select(i => h.Block(0, i)).ToArray();
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Advance(TimeSpan.FromSeconds(1));
        h.Receive(h.Piece(blocks[0]));
        h.Session.OnTick(h.Now); // 16 KiB in a second: far below what 64 requests need
        Assert.True(h.Session.PipelineDepth < Engine.Core.Pieces.RequestPipeline.InitialDepth);
    }

    [Fact]
    public void A_peer_far_slower_than_its_requests_assume_gets_the_newest_cancelled_and_given_back_at_its_second_sample_and_one_that_comes_anyway_is_still_delivered()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384)).Downloading();
        var blocks = Enumerable.Range(0, 64).Select(i => h.Block(0, i)).ToArray();
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Advance(TimeSpan.FromSeconds(1));
        h.Receive(h.Piece(blocks[0])); // a round trip of a second
        h.Session.OnTick(h.Now);
        Assert.Empty(h.Effects.ReleasedBlocks); // one sample says little
        h.Effects.Clear();
        h.Advance(TimeSpan.FromSeconds(1));
        h.Receive(h.Piece(blocks[1]));
        h.Session.OnTick(h.Now); // 32 KiB/s, pausing half a second: 4 blocks cover 2 s, so 8 may wait here
        var taken = blocks[10..];
        var released = Assert.Single(h.Effects.Of<Released>());
        Assert.Equal(taken, released.Blocks); // in the order requested: the first may be on their way
        Assert.True(released.Cancelled);
        Assert.Equal(taken.Select(b => (PeerMessage)new Cancel(b.Piece, b.Offset, b.Length)).ToHashSet(), h.Effects.Messages.ToHashSet());
        Assert.Equal(8, h.Session.Outstanding);
        Assert.Empty(h.Effects.Of<Asked>()); // the depth came down with them
        h.Effects.Clear();
        var late = h.Piece(taken[^1]);
        h.Receive(late);
        Assert.Equal([late], h.Effects.DeliveredBlocks); // already in the peer's socket: the piece manager decides
    }

    [Fact]
    public void Each_sample_with_blocks_tells_the_pace_and_a_second_without_any_makes_it_unknown_once()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384)).Downloading();
        var blocks = Enumerable.Range(0, 64).Select(i => h.Block(0, i)).ToArray();
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Advance(TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 4; i++) h.Receive(h.Piece(blocks[i]));
        h.Advance(TimeSpan.FromMilliseconds(800));
        h.Session.OnTick(h.Now);
        var pace = Assert.Single(h.Effects.Of<Paced>()).Pace;
        Assert.Equal(h.Session.DownloadRate(h.Now) / 16384, pace.BlocksPerSecond, 6);
        Assert.True(pace.BlocksPerSecond > 0);
        Assert.Equal(h.Session.RoundTrip, pace.RoundTrip);

        h.Effects.Clear();
        h.Tick(TimeSpan.FromSeconds(3)); // three ticks without a block while 60 requests wait: the pace is unknown, told once
        Assert.Equal([PeerPace.Unknown], h.Effects.Of<Paced>().Select(p => p.Pace));
    }

    [Fact]
    public void A_peer_left_with_nothing_to_deliver_keeps_its_pace()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384)).Downloading();
        var blocks = Enumerable.Range(0, 4).Select(i => h.Block(0, i)).ToArray();
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Advance(TimeSpan.FromMilliseconds(200));
        foreach (var block in blocks) h.Receive(h.Piece(block));
        h.Advance(TimeSpan.FromMilliseconds(800));
        h.Session.OnTick(h.Now);
        Assert.True(Assert.Single(h.Effects.Of<Paced>()).Pace.IsKnown);

        h.Effects.Clear();
        h.Tick(TimeSpan.FromSeconds(3)); // the piece manager had nothing more for it (the endgame): idle, not stalled
        Assert.Empty(h.Effects.Of<Paced>());
    }
}
