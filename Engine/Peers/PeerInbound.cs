using System.Net.Sockets;
using Akka.Actor;
using Engine.Actors;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Wire;
using Engine.Limits;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>
/// Reads one peer's transport (TCP today, see <see cref="IPeerTransport"/>). A loop started in <see cref="PreStart"/> receives into a 64 KiB buffer, runs
/// the frame decoder (which copies each piece payload once, into a pooled block) and tells the parent
/// the whole messages of each read at once (<see cref="Received"/>: one actor message per read, not per
/// block). Before a piece block is handed on it takes a disk credit, so a slow disk stops socket
/// reads and TCP flow control slows the remote peer: memory stays bounded. The loop never touches actor
/// state; it only tells. A download <see cref="Throttle"/> (rate limits) delays the next read by the time the
/// bytes just read cost, so TCP flow control slows the sender; with a limit, reads are also made smaller
/// (about a tenth of a second's worth) to keep the flow smooth. When the socket closes or fails, the actor reports and stops, and the parent
/// (which watches it) stops the whole peer.
/// </summary>
internal sealed class PeerInbound : UntypedActor
{
    /// <summary>The remote handshake arrived (only when the connection was not accepted with one).</summary>
    public sealed record HandshakeReceived(Handshake Handshake);
    /// <summary>The peer broke the protocol; the parent drops the connection.</summary>
    public sealed record ViolationDetected(ProtocolViolation Violation);
    /// <summary>The socket closed or failed.</summary>
    public sealed record ReadEnded(string Reason);
    /// <summary>
    /// Several whole messages from one socket read, in order (one message alone is told as itself). The receiver
    /// owns their piece blocks, and one disk credit was taken for each block.
    /// </summary>
    public sealed record Received(PeerMessage[] Messages);

    private sealed record LoopEnded(string Reason);

    private readonly IPeerTransport _transport;
    private readonly bool _expectHandshake;
    private readonly byte[] _initialBytes;
    private readonly BlockPool _pool;
    private readonly int _maxMessageLength;
    private readonly DiskCredit _credit;
    private readonly Throttle _throttle;
    private readonly CancellationTokenSource _cts = new();

    public PeerInbound(IPeerTransport transport, bool expectHandshake, byte[] initialBytes, BlockPool pool, int maxMessageLength, DiskCredit credit, Throttle? throttle = null)
    {
        _throttle = throttle ?? Throttle.None;
        _transport = transport;
        _expectHandshake = expectHandshake;
        _initialBytes = initialBytes;
        _pool = pool;
        _maxMessageLength = maxMessageLength;
        _credit = credit;
    }

    protected override void OnReceive(object message)
    {
        if (message is not LoopEnded m)
        {
            Unhandled(message);
            return;
        }
        Context.Parent.Tell(new ReadEnded(m.Reason));
        Context.Stop(Self);
    }

    public static Props Props(IPeerTransport transport, bool expectHandshake, byte[] initialBytes, BlockPool pool, int maxMessageLength, DiskCredit credit, Throttle? throttle = null)
        => ActorProps.Of(() => new PeerInbound(transport, expectHandshake, initialBytes, pool, maxMessageLength, credit, throttle));

    protected override void PreStart()
    {
        var parent = Context.Parent;
        var self = Self;
        _ = Task.Run(() => ReadLoop(parent, self, _cts.Token));
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        _transport.Shutdown();
        _transport.Dispose();
    }

    private async Task ReadLoop(IActorRef parent, IActorRef self, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var messages = new List<PeerMessage>(64);
        using var decoder = new FrameDecoder(_pool, _maxMessageLength);
        var reason = "closed";
        try
        {
            var filled = 0;
            if (_initialBytes.Length > 0)
            {
                _initialBytes.CopyTo(buffer, 0);
                filled = _initialBytes.Length;
            }
            if (_expectHandshake)
            {
                while (filled < Handshake.Length)
                {
                    var n = await _transport.ReceiveAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                    if (n == 0) { reason = "closed before the handshake"; return; }
                    filled += n;
                }
                if (!Handshake.TryParse(buffer.AsSpan(0, Handshake.Length), out var hs, out var error))
                {
                    parent.Tell(new ViolationDetected(new ProtocolViolation(ViolationKind.BadHandshake, error ?? "bad handshake")), self);
                    reason = "bad handshake";
                    return;
                }
                parent.Tell(new HandshakeReceived(hs), self);
                filled -= Handshake.Length;
                buffer.AsSpan(Handshake.Length, filled).CopyTo(buffer);
            }
            if (filled > 0)
            {
                var violation = decoder.Feed(buffer.AsSpan(0, filled), messages);
                if (!await Tell(messages, violation, parent, self, ct).ConfigureAwait(false))
                {
                    reason = "protocol violation";
                    return;
                }
            }
            var throttle = _throttle;
            while (!ct.IsCancellationRequested)
            {
                var size = throttle.ChunkSize(buffer.Length);
                var n = await _transport.ReceiveAsync(buffer.AsMemory(0, size), ct).ConfigureAwait(false);
                if (n == 0) { reason = "closed by peer"; return; }
                var violation = decoder.Feed(buffer.AsSpan(0, n), messages);
                if (!await Tell(messages, violation, parent, self, ct).ConfigureAwait(false))
                {
                    reason = "protocol violation";
                    return;
                }
                await throttle.WaitAsync(n, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { reason = "stopped"; }
        catch (SocketException e) { reason = e.SocketErrorCode.ToString(); }
        catch (IOException e) { reason = e.Message; }
        catch (ObjectDisposedException) { reason = "stopped"; }
        finally
        {
            foreach (var m in messages)
                if (m is PieceMessage p) p.Data.Release();
            self.Tell(new LoopEnded(reason));
        }
    }

    /// <summary>
    /// Tells the parent the decoded messages, all at once when every block among them gets a disk credit at once;
    /// when the credits run out, what precedes the block is handed on before waiting. False after a violation.
    /// </summary>
    private async ValueTask<bool> Tell(List<PeerMessage> messages, ProtocolViolation? violation, IActorRef parent, IActorRef self, CancellationToken ct)
    {
        var from = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not PieceMessage || _credit.Wait(0)) continue;
            HandOn(messages, from, i, parent, self);
            from = i;
            await _credit.WaitAsync(ct).ConfigureAwait(false);
        }
        HandOn(messages, from, messages.Count, parent, self);
        messages.Clear();
        if (violation is null) return true;
        parent.Tell(new ViolationDetected(violation), self);
        return false;
    }

    private static void HandOn(List<PeerMessage> messages, int from, int to, IActorRef parent, IActorRef self)
    {
        var count = to - from;
        if (count <= 0) return;
        if (count == 1)
        {
            parent.Tell(messages[from], self);
        }
        else
        {
            var batch = new PeerMessage[count];
            messages.CopyTo(from, batch, 0, count);
            parent.Tell(new Received(batch), self);
        }
        for (var i = from; i < to; i++) messages[i] = KeepAlive.Instance; // handed on: not ours to release any more
    }
}
