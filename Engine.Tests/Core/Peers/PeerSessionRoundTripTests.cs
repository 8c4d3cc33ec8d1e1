using Engine.Core.Peers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Peers;

/// <summary>The round trip: measured from our handshake to theirs and from a request to its block; it sizes the pipeline.</summary>
public sealed class PeerSessionRoundTripTests
{
    [Fact]
    public void The_answer_to_our_handshake_times_the_round_trip_and_sizes_the_first_requests()
    {
        var h = new SessionHarness();
        h.Session.OnHandshakeSent(h.Now);
        h.Advance(TimeSpan.FromMilliseconds(300));
        h.Downloading();
        Assert.Equal(TimeSpan.FromMilliseconds(300), h.Session.RoundTrip);
        Assert.Equal(192, h.Session.PipelineDepth); // 10 MiB/s for 300 ms
    }

    [Fact]
    public void An_incoming_connection_learns_the_round_trip_from_its_first_block()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384)).Downloading();
        Assert.Null(h.Session.RoundTrip);
        var block = h.Block(0, 0);
        h.Session.OnBlocksAssigned([block], h.Now);
        h.Advance(TimeSpan.FromMilliseconds(250));
        h.Receive(h.Piece(block));
        Assert.Equal(TimeSpan.FromMilliseconds(250), h.Session.RoundTrip);
    }

    [Fact]
    public void Blocks_that_fill_the_depth_within_a_round_trip_double_it_before_any_rate_sample()
    {
        var h = new SessionHarness(layout: new TorrentLayout(64L * 64 * 16384, 64 * 16384));
        h.Session.OnHandshakeSent(h.Now);
        h.Advance(TimeSpan.FromMilliseconds(100));
        h.Downloading();
        Assert.Equal(RequestPipeline.InitialDepth, h.Session.PipelineDepth);
        var blocks = Enumerable.Range(0, 64).Select(i => h.Block(i / 64, i % 64)).ToArray();
        h.Session.OnBlocksAssigned(blocks, h.Now);
        h.Advance(TimeSpan.FromMilliseconds(100));
        h.ReceiveRead([.. blocks.Take(63).Select(b => h.Piece(b))]);
        h.Advance(TimeSpan.FromMilliseconds(100));
        h.Receive(h.Piece(blocks[63]));
        Assert.Equal(2 * RequestPipeline.InitialDepth, h.Session.PipelineDepth);
    }
}
