using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Buffers;
using Engine.Core.Peers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Pieces;

namespace Engine.Tests.Transports;

/// <summary>The peer's read and write loops run over any <see cref="Engine.Transports.IPeerTransport"/>, not only TCP.</summary>
public sealed class TransportTests : TestKit
{
    private readonly TorrentLayout _layout = new(10 * 32 * 1024, 32 * 1024);
    private readonly InfoHash _hash = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");

    /// <summary>Reads whole messages off the far end of a transport.</summary>
    private static async Task<PeerMessage> NextMessage(InMemoryTransport end, FrameDecoder decoder, Queue<PeerMessage> ready)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (ready.Count == 0)
        {
            var n = await end.ReceiveAsync(buffer, timeout.Token);
            Assert.NotEqual(0, n);
            var messages = new List<PeerMessage>();
            Assert.Null(decoder.Feed(buffer.AsSpan(0, n), messages));
            foreach (var m in messages) ready.Enqueue(m);
        }
        return ready.Dequeue();
    }

    [Fact]
    public async Task A_peer_connection_over_an_in_memory_transport_speaks_the_protocol_as_over_tcp()
    {
        var (ours, theirs) = InMemoryTransport.Pair();
        var pieces = CreateTestProbe();
        var manager = CreateTestProbe();
        var ctx = new SwarmContext(_hash, PeerId.CreateOurs(), _layout, pieces.Ref, CreateTestProbe().Ref, new BlockPool(16), new PeerSettings(), 6881);
        var remoteId = PeerId.CreateOurs();
        manager.ChildActorOf(PeerConnection.Incoming(ctx, ours.Remote, ours, new Handshake(_hash, remoteId, false, true), []));

        var handshake = new byte[Handshake.Length];
        Assert.True(await Engine.Transports.TransportReads.ReceiveExactlyAsync(theirs, handshake, CancellationToken.None));
        Assert.True(Handshake.TryParse(handshake, out var hs, out _));
        Assert.Equal(_hash, hs.InfoHash);
        Assert.Equal(remoteId, pieces.ExpectMsg<PieceManager.PeerJoined>().PeerId);
        manager.ExpectMsg<PeerManager.PeerHandshaked>();

        using var decoder = new FrameDecoder(new BlockPool(4), FrameDecoder.DefaultMaxMessageLength);
        var ready = new Queue<PeerMessage>();
        pieces.Reply(new PieceManager.Welcome(new Bitfield(_layout.PieceCount)));
        Assert.IsType<HaveNone>(await NextMessage(theirs, decoder, ready));

        await theirs.SendAsync([new ArraySegment<byte>(MessageWriter.Encode(new Have(7)))], CancellationToken.None);
        Assert.Equal(7, pieces.ExpectMsg<PieceManager.PeerHave>().Piece);
        pieces.Reply(new PieceManager.Interest(true));
        Assert.IsType<Interested>(await NextMessage(theirs, decoder, ready));

        theirs.Shutdown();
        var gone = manager.FishForMessage<PeerManager.PeerDisconnected>(_ => true);
        Assert.Equal(remoteId, gone.PeerId);
    }

    [Fact]
    public void Blocks_queued_for_a_peer_that_stopped_reading_are_released_when_the_connection_stops()
    {
        var (ours, _) = InMemoryTransport.Pair();
        ours.Stall = true;
        var pool = new BlockPool(64);
        var parent = CreateTestProbe();
        var outbound = parent.ChildActorOf(PeerOutbound.Props(ours, handshake: null));
        for (var i = 0; i < 40; i++)
        {
            var data = pool.Rent(16 * 1024);
            outbound.Tell(new PieceMessage(i / 2, i % 2 * 16 * 1024, data));
        }
        Watch(outbound);
        outbound.Tell(PoisonPill.Instance); // after the blocks: they are all queued (a Stop would overtake them)
        ExpectTerminated(outbound);
        AwaitCondition(() => pool.Outstanding == 0, TimeSpan.FromSeconds(5), "every queued block goes back to the pool");
    }
}
