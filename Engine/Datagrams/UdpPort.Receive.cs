using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Engine.Core.Peers;
using Engine.Utp;

namespace Engine.Datagrams;

internal sealed partial class UdpPort
{
    /// <summary>
    /// Waits for a datagram the ordinary way, then drains whatever else is waiting a batch per system call
    /// (<see cref="BatchReceiver"/>, where supported); uTP's answers go once per batch of at most 32 datagrams, or when
    /// nothing more is waiting, so a burst of packets is acknowledged once.
    /// </summary>
    private static async Task ReceiveLoop(Socket socket, IActorRef self, UtpMultiplexer? utp, CancellationToken ct)
    {
        var buffer = new byte[65536];
        var sender = new SenderAddress(socket.AddressFamily);
        using var batch = BatchReceiver.IsSupported ? new BatchReceiver() : null;
        var reason = "stopped";
        var burst = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int received;
                try { received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, sender.Address, ct).ConfigureAwait(false); }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize) { continue; } // ICMP noise, oversized datagrams
                if (received > 0) Dispatch(buffer.AsSpan(0, received), sender.Resolve(), self, utp);
                if (utp is null) continue;
                if (batch is null)
                {
                    if (++burst < 32 && socket.Available > 0) continue;
                    utp.FlushPending();
                    burst = 0;
                    continue;
                }
                int n;
                do
                {
                    n = batch.Receive(socket);
                    DispatchBatch(batch, n, sender, self, utp);
                    utp.FlushPending();
                }
                while (n == BatchReceiver.Slots && !ct.IsCancellationRequested);
            }
        }
        catch (OperationCanceledException) { return; }
        catch (ObjectDisposedException) { return; }
        catch (Exception e) { reason = e.Message; }
        if (!ct.IsCancellationRequested) self.Tell(new LoopEnded(reason));
    }

    /// <summary>
    /// The receive loop where <see cref="BatchReceiver"/> works (64-bit Linux), on a thread of its own: it waits in
    /// <c>poll(2)</c> and drains with <c>recvmmsg(2)</c>, and uTP answers once the socket is drained or every
    /// <see cref="AnswerEvery"/> datagrams (answering every batch made batches of six and an ACK each). Waiting through .NET's
    /// asynchronous receive instead cost an epoll thread's wake-up and a thread-pool hop per batch, plus a receive call
    /// that found nothing: at tens of thousands of batches a second, a good part of a uTP leech's system time. A stop
    /// wakes the wait (<see cref="WakeReceiver"/>); it is bounded anyway (<see cref="PollMs"/>), and idle costs nothing
    /// but that.
    /// </summary>
    private static void PollLoop(Socket socket, IActorRef self, UtpMultiplexer? utp, CancellationToken ct)
    {
        var sender = new SenderAddress(socket.AddressFamily);
        var reason = "stopped";
        try
        {
            using var batch = new BatchReceiver();
            var unanswered = 0;
            while (!ct.IsCancellationRequested)
            {
                var n = batch.Receive(socket);
                if (batch.ErrorReported) ReadErrors(batch, socket, sender, self, utp);
                if (n == 0)
                {
                    if (unanswered > 0) utp?.FlushPending();
                    unanswered = 0;
                    if (BatchReceiver.WaitReadable(socket, PollMs, out var errorQueued) && errorQueued) ReadErrors(batch, socket, sender, self, utp);
                    continue;
                }
                unanswered += DispatchBatch(batch, n, sender, self, utp);
                if (unanswered < AnswerEvery) continue;
                utp?.FlushPending();
                unanswered = 0;
            }
            return;
        }
        catch (ObjectDisposedException) { return; }
        catch (Exception e) { reason = e.Message; }
        if (!ct.IsCancellationRequested) self.Tell(new LoopEnded(reason));
    }

    /// <summary>
    /// Takes what the socket's error queue holds (at most <see cref="BatchReceiver.Slots"/> at a time). An ICMP
    /// "unreachable" about a DHT datagram (the quoted payload starts with 'd') goes to this actor for the DHT; about a uTP
    /// one, to the multiplexer, which passes it to the one connection the quoted header names
    /// (<see cref="Core.Utp.UtpConnection.OnUnreachable"/>); a "packet too big" likewise cuts that connection's packets to fit
    /// (<see cref="Core.Utp.UtpConnection.OnPacketTooBig"/>). Other errors are only taken off the queue.
    /// </summary>
    private static void ReadErrors(BatchReceiver batch, Socket socket, SenderAddress sender, IActorRef self, UtpMultiplexer? utp)
    {
        for (var i = 0; i < BatchReceiver.Slots && batch.TryReadError(socket, sender.Address, out var error); i++)
        {
            if (error.PacketTooBigMtu is { } mtu) utp?.OnPacketTooBig(sender.Resolve(), mtu, batch.ErrorPayload);
            if (error.Unreachable is not { } what) continue;
            var to = sender.Resolve();
            if (batch.ErrorPayload is [(byte)'d', ..]) self.Tell(new Unreachable(to, what)); // a KRPC message: the DHT's
            else utp?.OnUnreachable(to, what, batch.ErrorPayload);
        }
    }

    /// <summary>
    /// The most datagrams a <see cref="PollLoop"/> takes before uTP answers (ACKs, a freed window's data, the readers'
    /// wake-ups) while more keep waiting; when none is left it answers at once.
    /// </summary>
    private const int AnswerEvery = 64;

    /// <summary>The longest a <see cref="PollLoop"/> waits before it looks whether the port stopped.</summary>
    private const int PollMs = 2000;

    /// <summary>
    /// Hands on the datagrams of a batch's <paramref name="n"/> slots (a truncated one is dropped; one holding several
    /// joined, <see cref="BatchReceiver.SegmentSize"/>, is cut apart) and counts them; uTP's answers wait for the caller's flush.
    /// </summary>
    private static int DispatchBatch(BatchReceiver batch, int n, SenderAddress sender, IActorRef self, UtpMultiplexer? utp)
    {
        var datagrams = 0;
        for (var i = 0; i < n; i++)
        {
            if (batch.Truncated(i)) continue;
            batch.CopySender(i, sender.Address);
            var from = sender.Resolve();
            var slot = batch.Datagram(i);
            var segment = batch.SegmentSize(i);
            if (segment <= 0) segment = slot.Length;
            for (var offset = 0; offset < slot.Length; offset += segment, datagrams++)
                Dispatch(slot.Slice(offset, Math.Min(segment, slot.Length - offset)), from, self, utp);
        }
        return datagrams;
    }

    private static void Dispatch(ReadOnlySpan<byte> datagram, IPEndPoint from, IActorRef self, UtpMultiplexer? utp)
    {
        if (datagram.IsEmpty) return;
        if (datagram[0] == (byte)'d') self.Tell(new Received(datagram.ToArray(), from));
        else utp?.OnDatagram(datagram, from);
    }

    /// <summary>The sender's address, read into one <see cref="SocketAddress"/>; its <see cref="IPEndPoint"/> is made only when the sender changes.</summary>
    private sealed class SenderAddress(AddressFamily family)
    {
        private readonly IPEndPoint _any = new(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        private readonly SocketAddress _last = new(family);
        private IPEndPoint? _from;

        public SocketAddress Address { get; } = new(family);

        public IPEndPoint Resolve()
        {
            if (_from is not null && Address.Equals(_last)) return _from;
            _from = PeerAddress.Normalize((IPEndPoint)_any.Create(Address));
            Address.Buffer.CopyTo(_last.Buffer);
            _last.Size = Address.Size;
            return _from;
        }
    }
}
