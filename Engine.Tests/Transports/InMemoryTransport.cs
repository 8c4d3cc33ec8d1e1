using System.Net;
using System.Threading.Channels;
using Engine.Transports;

namespace Engine.Tests.Transports;

/// <summary>
/// One end of an in-memory connection: what one end sends, the other receives. Not TCP — which is the point: the
/// peer loops must not care. <see cref="Stall"/> makes sends hang (a peer that stopped reading).
/// </summary>
public sealed class InMemoryTransport : IPeerTransport
{
    private readonly Channel<byte[]> _incoming = Channel.CreateUnbounded<byte[]>();
    private InMemoryTransport _other = null!;
    private ReadOnlyMemory<byte> _rest;
    private readonly CancellationTokenSource _closed = new();

    private InMemoryTransport(IPEndPoint remote) => Remote = remote;

    public IPEndPoint Remote { get; }

    /// <summary>Sends never complete (until the transport is shut down).</summary>
    public bool Stall { get; set; }

    public static (InMemoryTransport A, InMemoryTransport B) Pair()
    {
        var a = new InMemoryTransport(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 6881));
        var b = new InMemoryTransport(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 51413));
        (a._other, b._other) = (b, a);
        return (a, b);
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (_rest.IsEmpty)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
            try
            {
                if (!await _incoming.Reader.WaitToReadAsync(both.Token).ConfigureAwait(false)) return 0;
            }
            catch (OperationCanceledException) when (_closed.IsCancellationRequested) { return 0; }
            _incoming.Reader.TryRead(out var chunk);
            _rest = chunk;
        }
        var n = Math.Min(buffer.Length, _rest.Length);
        _rest[..n].CopyTo(buffer);
        _rest = _rest[n..];
        return n;
    }

    public async ValueTask SendAsync(IList<ArraySegment<byte>> segments, CancellationToken ct)
    {
        if (Stall) await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token).Token).ConfigureAwait(false);
        if (_closed.IsCancellationRequested) throw new IOException("transport closed");
        var bytes = segments.SelectMany(s => s).ToArray();
        if (!_other._incoming.Writer.TryWrite(bytes)) throw new IOException("the other end is closed");
    }

    public void Shutdown()
    {
        _closed.Cancel();
        _other._incoming.Writer.TryComplete();
    }

    public void Dispose() => Shutdown();
}
