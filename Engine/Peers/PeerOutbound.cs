using System.Net.Sockets;
using System.Threading.Channels;
using Akka.Actor;
using Engine.Limits;
using Engine.Wire;

namespace Engine.Peers;

/// <summary>
/// Writes one peer's socket. Messages told to this actor go into a queue served by a writer loop, which
/// gathers whatever is queued into one send: control messages are encoded into a 64 KiB send buffer,
/// piece payloads are sent as their own segments straight from their pooled blocks (no copy) and
/// released after the send. The loop tells <see cref="Sent"/> back per batch, which keeps the count of
/// queued bytes the parent uses for upload backpressure. A keep-alive goes out after
/// <see cref="PeerSettings.KeepAliveInterval"/> without sending anything (timers use the actor
/// scheduler, so tests drive them with virtual time). An upload <see cref="Throttle"/> (rate limits) delays
/// each send until the buckets allow its bytes; with a limit, batches are cut to about a tenth of a second's
/// worth so that the flow is smooth. Upload backpressure then holds further reads in the parent.
/// </summary>
public sealed class PeerOutbound : ReceiveActor, IWithTimers
{
    /// <summary>Told to the parent after each send: payload bytes of pieces sent and bytes still queued.</summary>
    public sealed record Sent(int PieceBytes, long QueuedBytes);
    /// <summary>The socket failed while writing.</summary>
    public sealed record WriteEnded(string Reason);
    /// <summary>Several messages to send, in order (e.g. the requests for a batch of assigned blocks): one actor message for all.</summary>
    public sealed record SendAll(PeerMessage[] Messages);

    private sealed record BatchSent(int Bytes, int PieceBytes);
    private sealed record LoopEnded(string Reason);
    private sealed class KeepAliveTick { public static readonly KeepAliveTick Instance = new(); }

    private const int SendBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly byte[]? _handshake;
    private readonly PeerSettings _settings;
    private readonly Throttle _throttle;
    private readonly Channel<PeerMessage> _queue = Channel.CreateUnbounded<PeerMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _cts = new();
    private long _queuedBytes;
    private DateTimeOffset _lastSent;

    public PeerOutbound(Socket socket, byte[]? handshake, PeerSettings settings, Throttle? throttle = null)
    {
        _throttle = throttle ?? Throttle.None;
        _socket = socket;
        _handshake = handshake;
        _settings = settings;
        Receive<PeerMessage>(Enqueue);
        Receive<SendAll>(m =>
        {
            foreach (var message in m.Messages) Enqueue(message);
        });
        Receive<BatchSent>(m =>
        {
            _queuedBytes -= m.Bytes;
            _lastSent = Context.System.Scheduler.Now;
            Context.Parent.Tell(new Sent(m.PieceBytes, _queuedBytes));
        });
        Receive<KeepAliveTick>(_ =>
        {
            if (Context.System.Scheduler.Now - _lastSent >= _settings.KeepAliveInterval && _queuedBytes == 0)
            {
                _lastSent = Context.System.Scheduler.Now;
                Enqueue(KeepAlive.Instance);
            }
        });
        Receive<LoopEnded>(m =>
        {
            Context.Parent.Tell(new WriteEnded(m.Reason));
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Socket socket, byte[]? handshake, PeerSettings settings, Throttle? throttle = null)
        => Akka.Actor.Props.Create(() => new PeerOutbound(socket, handshake, settings, throttle));

    protected override void PreStart()
    {
        _lastSent = Context.System.Scheduler.Now;
        var check = _settings.KeepAliveInterval < TimeSpan.FromSeconds(40) ? _settings.KeepAliveInterval / 4 : TimeSpan.FromSeconds(10);
        Timers.StartPeriodicTimer("keep-alive", KeepAliveTick.Instance, check);
        var self = Self;
        _ = Task.Run(() => WriteLoop(self, _cts.Token));
    }

    protected override void PostStop()
    {
        _queue.Writer.TryComplete();
        _cts.Cancel();
        while (_queue.Reader.TryRead(out var m))
            if (m is PieceMessage p) p.Data.Release();
    }

    private void Enqueue(PeerMessage message)
    {
        _queuedBytes += MessageWriter.GetLength(message);
        if (!_queue.Writer.TryWrite(message) && message is PieceMessage p)
            p.Data.Release();
    }

    private async Task WriteLoop(IActorRef self, CancellationToken ct)
    {
        var buffer = new byte[SendBufferSize];
        var segments = new List<ArraySegment<byte>>(32);
        var pieces = new List<PieceMessage>(16);
        var reason = "stopped";
        try
        {
            if (_handshake is not null)
                await SendSegments([new ArraySegment<byte>(_handshake)], ct).ConfigureAwait(false);
            var reader = _queue.Reader;
            var throttle = _throttle;
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var batchLimit = throttle.ChunkSize(int.MaxValue);
                var used = 0;
                var bytes = 0;
                var pieceBytes = 0;
                var segmentStart = 0;
                while (bytes < batchLimit && reader.TryPeek(out var next))
                {
                    var length = MessageWriter.GetLength(next);
                    if (next is PieceMessage piece)
                    {
                        if (used + 13 > buffer.Length || pieces.Count == 16) break;
                        reader.TryRead(out _);
                        MessageWriter.WritePieceHeader(piece.Piece, piece.Offset, piece.Data.Length, buffer.AsSpan(used, 13));
                        used += 13;
                        segments.Add(new ArraySegment<byte>(buffer, segmentStart, used - segmentStart));
                        segments.Add(new ArraySegment<byte>(piece.Data.Array, 0, piece.Data.Length));
                        segmentStart = used;
                        pieces.Add(piece);
                        pieceBytes += piece.Data.Length;
                    }
                    else
                    {
                        if (used + length > buffer.Length)
                        {
                            if (used > 0 || segments.Count > 0) break;
                            // A single message larger than the send buffer (a huge bitfield): send it alone.
                            reader.TryRead(out _);
                            segments.Add(new ArraySegment<byte>(MessageWriter.Encode(next)));
                            bytes += length;
                            break;
                        }
                        reader.TryRead(out _);
                        used += MessageWriter.Write(next, buffer.AsSpan(used));
                    }
                    bytes += length;
                }
                if (used > segmentStart)
                    segments.Add(new ArraySegment<byte>(buffer, segmentStart, used - segmentStart));
                try
                {
                    await throttle.WaitAsync(bytes, ct).ConfigureAwait(false);
                    await SendSegments(segments, ct).ConfigureAwait(false);
                }
                finally
                {
                    foreach (var p in pieces) p.Data.Release();
                    pieces.Clear();
                    segments.Clear();
                }
                self.Tell(new BatchSent(bytes, pieceBytes));
            }
        }
        catch (OperationCanceledException) { reason = "stopped"; }
        catch (SocketException e) { reason = e.SocketErrorCode.ToString(); }
        catch (ObjectDisposedException) { reason = "stopped"; }
        finally
        {
            self.Tell(new LoopEnded(reason));
        }
    }

    private async Task SendSegments(List<ArraySegment<byte>> segments, CancellationToken ct)
    {
        var total = 0;
        foreach (var s in segments) total += s.Count;
        var sent = await _socket.SendAsync(segments, SocketFlags.None).WaitAsync(ct).ConfigureAwait(false);
        if (sent == total) return;
        // Partial send (rare on a blocking-mode socket): finish segment by segment.
        var skip = sent;
        foreach (var s in segments)
        {
            if (skip >= s.Count) { skip -= s.Count; continue; }
            var rest = s.AsMemory(skip);
            skip = 0;
            while (rest.Length > 0)
            {
                var n = await _socket.SendAsync(rest, SocketFlags.None, ct).ConfigureAwait(false);
                rest = rest[n..];
            }
        }
    }
}
