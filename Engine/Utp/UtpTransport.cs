using System.Net;
using System.Net.Sockets;
using Engine.Core.Utp;
using Engine.Transports;

namespace Engine.Utp;

/// <summary>
/// One uTP connection as a peer transport: reads and writes go to its <see cref="UtpConnection"/> under the
/// multiplexer's lock, and wait (asynchronously) for the multiplexer to wake them when the connection becomes readable
/// or writable. Its datagrams leave through the multiplexer's socket to <see cref="Remote"/>.
/// </summary>
internal sealed class UtpTransport : IPeerTransport, IUtpOutput
{
    private readonly UtpMultiplexer _mux;
    private readonly SocketAddress _to;
    private TaskCompletionSource? _readWaiter;
    private TaskCompletionSource? _writeWaiter;
    private TaskCompletionSource<UtpTransport>? _connectWaiter;
    private bool _shut;

    public UtpTransport(UtpMultiplexer mux, IPEndPoint remote, SocketAddress to)
    {
        _mux = mux;
        Remote = remote;
        _to = to;
    }

    public IPEndPoint Remote { get; }
    internal UtpConnection Connection { get; set; } = null!;

    /// <summary>Accepted, but not handed to the engine yet: it is, once the peer says more than its SYN.</summary>
    internal bool AwaitingConfirmation { get; set; }

    void IUtpOutput.Send(ReadOnlySpan<byte> datagram) => _mux.SendTo(datagram, _to);

    /// <summary>Completes once the connect is answered (or fails); the caller holds the lock.</summary>
    internal Task<UtpTransport> WaitConnected()
    {
        _connectWaiter = new TaskCompletionSource<UtpTransport>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _connectWaiter.Task;
    }

    /// <summary>Wakes whoever waits for something that is now there; the caller holds the lock.</summary>
    internal void Wake()
    {
        var c = Connection;
        if (_connectWaiter is { } connect && c.State != UtpState.SynSent)
        {
            _connectWaiter = null;
            if (c.State == UtpState.Connected) connect.TrySetResult(this);
            else connect.TrySetException(new IOException(c.Error ?? "the uTP connection closed while connecting"));
        }
        if (_readWaiter is { } r && (c.Readable || c.IsFinished || _shut))
        {
            _readWaiter = null;
            r.TrySetResult();
        }
        if (_writeWaiter is { } w && (c.Writable || _shut))
        {
            _writeWaiter = null;
            w.TrySetResult();
        }
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_mux.Gate)
            {
                if (_shut) return 0;
                var n = Connection.Read(buffer.Span);
                if (n > 0)
                {
                    Connection.Flush(_mux.NowMicros); // a window update, when the read reopened a closed window
                    return n;
                }
                if (Connection.ReadEnded || Connection.State == UtpState.Closed) return 0;
                if (Connection.State == UtpState.Failed) throw new IOException(Connection.Error);
                _readWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _readWaiter.Task;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Queues every segment (waiting while the send buffer is full), then sends: a block's header and its data share packets.</summary>
    public async ValueTask SendAsync(IList<ArraySegment<byte>> segments, CancellationToken ct)
    {
        var index = 0;
        var offset = 0;
        while (index < segments.Count)
        {
            Task wait;
            lock (_mux.Gate)
            {
                if (_shut) throw new IOException("the uTP connection was shut down");
                if (Connection.State is UtpState.Failed or UtpState.Closed) throw new IOException(Connection.Error ?? "the uTP connection is closed");
                while (index < segments.Count)
                {
                    var segment = segments[index];
                    offset += Connection.Write(segment.AsSpan(offset));
                    if (offset < segment.Count) break;
                    index++;
                    offset = 0;
                }
                Connection.Flush(_mux.NowMicros);
                if (index == segments.Count) return;
                _writeWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _writeWaiter.Task;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    public void Shutdown()
    {
        lock (_mux.Gate)
        {
            if (_shut) return;
            _shut = true;
            Connection.Close(_mux.NowMicros);
            Wake();
        }
    }

    public void Dispose() => Shutdown();

    public override string ToString() => $"uTP {Remote}: {Connection}";
}
