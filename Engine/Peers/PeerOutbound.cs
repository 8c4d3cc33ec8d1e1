using System.Net.Sockets;
using System.Threading.Channels;
using Akka.Actor;
using Engine.Actors;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Limits;
using Engine.Storage;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>
/// Writes one peer's transport (TCP today, see <see cref="IPeerTransport"/>). Messages told to this actor go into a queue served by a writer loop, which
/// gathers whatever is queued into one send: control messages are encoded into a 64 KiB send buffer,
/// piece payloads are sent as their own segments straight from their pooled blocks (no copy) and
/// released after the send. Uploads come as <see cref="SendPieces"/>: the loop reads each block from the
/// torrent's <see cref="BlockSource"/> just before sending it, in queue order, so a choke or anything else told
/// after them still goes out after them; a block that cannot be read is told back as
/// <see cref="PieceUnavailable"/>. The loop tells the parent <see cref="Sent"/> itself after a batch (not through this
/// actor): the count of queued bytes the parent uses for upload backpressure (and its peer session uses to time
/// keep-alives) — except after a batch without pieces while the parent's count is already 0, which changes nothing it
/// acts on (a leecher's batches of requests). An upload <see cref="Throttle"/> (rate limits) delays
/// each send until the buckets allow its bytes; with a limit, batches are cut to about a tenth of a second's
/// worth so that the flow is smooth. Upload backpressure then holds further reads in the parent.
/// </summary>
internal sealed class PeerOutbound : UntypedActor
{
    /// <summary>Told to the parent after each send: payload bytes of pieces sent and bytes still queued.</summary>
    public sealed record Sent(int PieceBytes, long QueuedBytes);
    /// <summary>The socket failed while writing.</summary>
    public sealed record WriteEnded(string Reason);
    /// <summary>Several messages to send, in order (e.g. the requests for a batch of assigned blocks): one actor message for all.</summary>
    public sealed record SendAll(PeerMessage[] Messages);
    /// <summary>Blocks to upload, in order: each is read from the <see cref="BlockSource"/> when its turn to be sent comes.</summary>
    public sealed record SendPieces(BlockRequest[] Blocks);
    /// <summary>
    /// Told to the parent when a block of <see cref="SendPieces"/> could not be read (it is not sent). <paramref name="Lost"/>:
    /// the pieces found gone from the disk (a file missing, truncated or changed), when that was the cause.
    /// </summary>
    public sealed record PieceUnavailable(BlockRequest Block, string Reason, LostPieces? Lost = null);

    private sealed record LoopEnded(string Reason);

    /// <summary>A queue entry: a message, or (Message null) a block to read and send as a piece.</summary>
    private readonly record struct Outgoing(PeerMessage? Message, BlockRequest Block);

    private const int SendBufferSize = 64 * 1024;
    private const int MaxPiecesPerSend = 16;

    private readonly IPeerTransport _transport;
    private readonly byte[]? _handshake;
    private readonly Throttle _throttle;
    private readonly BlockSource? _blocks;
    private readonly Channel<Outgoing> _queue = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _cts = new();
    private long _queuedBytes;

    public PeerOutbound(IPeerTransport transport, byte[]? handshake, Throttle? throttle = null, BlockSource? blocks = null)
    {
        _throttle = throttle ?? Throttle.None;
        _blocks = blocks;
        _transport = transport;
        _handshake = handshake;
    }

    // A switch over the message, not ReceiveActor's handlers (docs/decisions.md, "Hot actors match with a switch").
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PeerMessage m: Enqueue(m); break;
            case SendAll m:
                foreach (var each in m.Messages) Enqueue(each);
                break;
            case SendPieces m:
                foreach (var block in m.Blocks)
                {
                    Interlocked.Add(ref _queuedBytes, MessageWriter.PieceHeaderLength + block.Length);
                    _queue.Writer.TryWrite(new Outgoing(null, block));
                }
                break;
            case PieceUnavailable m: Context.Parent.Tell(m); break;
            case LoopEnded m:
                Context.Parent.Tell(new WriteEnded(m.Reason));
                Context.Stop(Self);
                break;
            default: Unhandled(message); break;
        }
    }

    /// <param name="blocks">Where <see cref="SendPieces"/> blocks are read; without it every one is unavailable.</param>
    public static Props Props(IPeerTransport transport, byte[]? handshake, Throttle? throttle = null, BlockSource? blocks = null)
        => ActorProps.Of(() => new PeerOutbound(transport, handshake, throttle, blocks));

    /// <summary>Bytes handed to the write loop and not yet sent (diagnostics: the scale benchmark samples it from another thread).</summary>
    internal long QueuedBytes => Volatile.Read(ref _queuedBytes);

    protected override void PreStart()
    {
        var self = Self;
        var parent = Context.Parent;
        _ = Task.Run(() => WriteLoop(self, parent, _cts.Token));
    }

    /// <summary>Ends the write loop, which drains the queue (the only reader may not race another).</summary>
    protected override void PostStop()
    {
        _queue.Writer.TryComplete();
        _cts.Cancel();
    }

    private void Enqueue(PeerMessage message)
    {
        Interlocked.Add(ref _queuedBytes, MessageWriter.GetLength(message));
        if (!_queue.Writer.TryWrite(new Outgoing(message, default)) && message is PieceMessage p)
            p.Data.Release();
    }

    private async Task WriteLoop(IActorRef self, IActorRef parent, CancellationToken ct)
    {
        var buffer = new byte[SendBufferSize];
        var segments = new List<ArraySegment<byte>>(32);
        var payloads = new List<BlockBuffer>(MaxPiecesPerSend);
        var reason = "stopped";
        long toldQueued = 0; // the queued bytes the parent was last told (0 before any)
        try
        {
            if (_handshake is not null)
                await _transport.SendAsync([new ArraySegment<byte>(_handshake)], ct).ConfigureAwait(false);
            var reader = _queue.Reader;
            var throttle = _throttle;
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var batchLimit = throttle.ChunkSize(int.MaxValue);
                var used = 0;
                var bytes = 0;
                var pieceBytes = 0;
                var pieces = false; // a piece was taken (sent, or found unreadable)
                var segmentStart = 0;
                while (bytes < batchLimit && reader.TryPeek(out var next))
                {
                    var message = next.Message;
                    if (message is null || message is PieceMessage)
                    {
                        if (used + MessageWriter.PieceHeaderLength > buffer.Length || payloads.Count == MaxPiecesPerSend) break;
                        reader.TryRead(out _);
                        pieces = true;
                        int piece, offset;
                        BlockBuffer? data;
                        if (message is PieceMessage p) (piece, offset, data) = (p.Piece, p.Offset, p.Data);
                        else
                        {
                            (piece, offset) = (next.Block.Piece, next.Block.Offset);
                            data = ReadBlock(next.Block, self);
                        }
                        bytes += MessageWriter.PieceHeaderLength + (data?.Length ?? next.Block.Length);
                        if (data is null) continue;
                        MessageWriter.WritePieceHeader(piece, offset, data.Length, buffer.AsSpan(used, MessageWriter.PieceHeaderLength));
                        used += MessageWriter.PieceHeaderLength;
                        segments.Add(new ArraySegment<byte>(buffer, segmentStart, used - segmentStart));
                        segments.Add(new ArraySegment<byte>(data.Array, 0, data.Length));
                        segmentStart = used;
                        payloads.Add(data);
                        pieceBytes += data.Length;
                        continue;
                    }
                    var length = MessageWriter.GetLength(message);
                    if (used + length > buffer.Length)
                    {
                        if (used > 0 || segments.Count > 0) break;
                        // A single message larger than the send buffer (a huge bitfield): send it alone.
                        reader.TryRead(out _);
                        segments.Add(new ArraySegment<byte>(MessageWriter.Encode(message)));
                        bytes += length;
                        break;
                    }
                    reader.TryRead(out _);
                    used += MessageWriter.Write(message, buffer.AsSpan(used));
                    bytes += length;
                }
                if (used > segmentStart)
                    segments.Add(new ArraySegment<byte>(buffer, segmentStart, used - segmentStart));
                try
                {
                    if (segments.Count > 0)
                    {
                        await throttle.WaitAsync(bytes, ct).ConfigureAwait(false);
                        await _transport.SendAsync(segments, ct).ConfigureAwait(false);
                    }
                }
                finally
                {
                    foreach (var data in payloads) data.Release();
                    payloads.Clear();
                    segments.Clear();
                }
                var queued = Interlocked.Add(ref _queuedBytes, -bytes);
                if (pieces || toldQueued != 0)
                {
                    parent.Tell(new Sent(pieceBytes, queued));
                    toldQueued = queued;
                }
            }
        }
        catch (OperationCanceledException) { reason = "stopped"; }
        catch (SocketException e) { reason = e.SocketErrorCode.ToString(); }
        catch (IOException e) { reason = e.Message; }
        catch (ObjectDisposedException) { reason = "stopped"; }
        finally
        {
            // Nothing more is queued once the writer is complete (Enqueue then releases what it is given), so this
            // drain sees every block still queued, and it is the only reader.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
                if (left.Message is PieceMessage p) p.Data.Release();
            self.Tell(new LoopEnded(reason));
        }
    }

    /// <summary>An upload block read for sending, or null after telling the actor why it could not be.</summary>
    private BlockBuffer? ReadBlock(BlockRequest block, IActorRef self)
    {
        string? error = "no block source";
        var lost = LostPieces.None;
        if (_blocks is not null && _blocks.TryRead(block, out error, out lost) is { } data) return data;
        self.Tell(new PieceUnavailable(block, error ?? "unreadable", lost.Any ? lost : null));
        return null;
    }
}
