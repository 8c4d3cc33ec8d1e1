using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Buffers;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Tests.Transports;

namespace Engine.Tests.Peers;

/// <summary>
/// The write loop tells the connection <see cref="PeerOutbound.Sent"/> itself: after a batch with pieces, and after any
/// batch while the connection's last count was not 0 — not after a batch of control messages that leaves 0 where 0
/// was (a leecher's requests), which would change nothing the connection acts on.
/// </summary>
public sealed class PeerOutboundSpec : TestKit
{
    private readonly BlockPool _pool = new(4);

    private static async Task<byte[]> Read(InMemoryTransport end, int length)
    {
        var bytes = new byte[length];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        for (var got = 0; got < length;)
        {
            var n = await end.ReceiveAsync(bytes.AsMemory(got), timeout.Token);
            Assert.NotEqual(0, n);
            got += n;
        }
        return bytes;
    }

    [Fact]
    public async Task Sent_is_told_after_pieces_and_not_after_control_messages_that_leave_nothing_queued()
    {
        var (ours, theirs) = InMemoryTransport.Pair();
        var parent = CreateTestProbe();
        var outbound = parent.ChildActorOf(PeerOutbound.Props(ours, handshake: null));

        outbound.Tell(new Request(1, 0, 16384));
        Assert.Equal(MessageWriter.Encode(new Request(1, 0, 16384)), await Read(theirs, 17));
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // requests only, and the count was 0 and is 0

        var data = _pool.Rent(1000);
        outbound.Tell(new PieceMessage(2, 0, data));
        await Read(theirs, MessageWriter.PieceHeaderLength + 1000);
        var sent = parent.ExpectMsg<PeerOutbound.Sent>();
        Assert.Equal((1000, 0L), (sent.PieceBytes, sent.QueuedBytes));
        AwaitCondition(() => data.IsReleased, TimeSpan.FromSeconds(5)); // sent straight from its pooled block, then released

        outbound.Tell(new Have(3));
        await Read(theirs, 9);
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        theirs.Shutdown();
    }
}
