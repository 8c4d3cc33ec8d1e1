using System.Net.Sockets;
using System.Net;
using Akka.TestKit.Xunit2;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Transports;

namespace Engine.Tests.Peers;

/// <summary>
/// The inbound child: the messages of one read go to the parent as one <see cref="PeerInbound.Received"/>, and
/// disk credits still gate every block.
/// </summary>
public sealed class PeerInboundSpec : TestKit, IDisposable
{
    private readonly BlockPool _pool = new(16);
    private readonly List<Socket> _sockets = new();

    /// <summary>A connected loopback pair: the first end is given to the actor, the second stays here.</summary>
    private (Socket Ours, Socket Theirs) Pair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var theirs = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        theirs.Connect(listener.LocalEndPoint!);
        var ours = listener.Accept();
        _sockets.Add(ours);
        _sockets.Add(theirs);
        return (ours, theirs);
    }

    private byte[] Piece(int piece, int offset, byte fill)
    {
        var data = _pool.Rent(1000);
        data.Span.Fill(fill);
        var bytes = MessageWriter.Encode(new PieceMessage(piece, offset, data));
        data.Release();
        return bytes;
    }

    [Fact]
    public void The_messages_of_one_read_are_told_to_the_parent_together_in_order()
    {
        var (ours, _) = Pair();
        byte[] initial = [.. Piece(1, 0, 1), .. MessageWriter.Encode(new Have(3)), .. Piece(1, 16384, 2)];
        var credit = new DiskCredit(10);
        var parent = CreateTestProbe();
        parent.ChildActorOf(PeerInbound.Props(new TcpTransport(ours), expectHandshake: false, initial, _pool, FrameDecoder.DefaultMaxMessageLength, credit));
        var batch = parent.ExpectMsg<PeerInbound.Received>();
        Assert.Equal(3, batch.Messages.Length);
        var first = Assert.IsType<PieceMessage>(batch.Messages[0]);
        Assert.Equal((1, 0, (byte)1), (first.Piece, first.Offset, first.Data.Span[0]));
        Assert.Equal(new Have(3), batch.Messages[1]);
        var second = Assert.IsType<PieceMessage>(batch.Messages[2]);
        Assert.Equal((1, 16384, (byte)2), (second.Piece, second.Offset, second.Data.Span[0]));
        Assert.Equal(8, credit.CurrentCount); // one credit per block
        first.Data.Release();
        second.Data.Release();
    }

    [Fact]
    public void A_single_message_is_told_as_itself()
    {
        var (ours, _) = Pair();
        var parent = CreateTestProbe();
        parent.ChildActorOf(PeerInbound.Props(new TcpTransport(ours), false, MessageWriter.Encode(new Have(9)), _pool, FrameDecoder.DefaultMaxMessageLength, new DiskCredit(1)));
        Assert.Equal(new Have(9), parent.ExpectMsg<Have>());
    }

    [Fact]
    public void Without_credits_the_blocks_before_are_handed_on_and_the_rest_wait_for_the_disk()
    {
        var (ours, _) = Pair();
        byte[] initial = [.. MessageWriter.Encode(Unchoke.Instance), .. Piece(2, 0, 1), .. Piece(2, 16384, 2), .. Piece(2, 32768, 3)];
        var credit = new DiskCredit(1);
        var parent = CreateTestProbe();
        parent.ChildActorOf(PeerInbound.Props(new TcpTransport(ours), false, initial, _pool, FrameDecoder.DefaultMaxMessageLength, credit));
        // The unchoke and the first block (the only credit) go at once; the second block waits for a credit.
        var batch = parent.ExpectMsg<PeerInbound.Received>();
        Assert.Equal(2, batch.Messages.Length);
        Assert.IsType<Unchoke>(batch.Messages[0]);
        ((PieceMessage)batch.Messages[1]).Data.Release();
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        credit.Release(); // the disk wrote the first block
        var second = parent.ExpectMsg<PieceMessage>();
        Assert.Equal(16384, second.Offset);
        second.Data.Release();
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        credit.Release();
        var third = parent.ExpectMsg<PieceMessage>();
        Assert.Equal(32768, third.Offset);
        third.Data.Release();
        Assert.Equal(0, credit.CurrentCount);
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        foreach (var s in _sockets) s.Dispose();
    }
}
