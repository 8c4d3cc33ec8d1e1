using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using Engine.Core.Utp;
using Engine.Transports;

namespace Engine.Utp;

/// <summary>
/// One uTP connection as a peer transport: reads and writes go to its <see cref="UtpConnection"/> under the
/// multiplexer's lock. A read that finds nothing posts its buffer to the connection, which copies in-order data straight
/// into it as datagrams arrive, and waits on this transport's one reusable completion (no task per wait): the
/// multiplexer's flush completes it with what arrived, on the receive thread once it has let the lock go, and the reader
/// goes on on the thread pool.
/// A writer waits (asynchronously) for the connection to become writable. Datagrams leave through the multiplexer's
/// socket to <see cref="Remote"/>.
/// </summary>
internal sealed class UtpTransport : IPeerTransport, IUtpOutput, IValueTaskSource<int>
{
    private readonly UtpMultiplexer _mux;
    private readonly SocketAddress _to;
    private ManualResetValueTaskSourceCore<int> _read = new() { RunContinuationsAsynchronously = true };
    private bool _reading;
    private CancellationToken _readToken;
    private CancellationTokenRegistration _readCancel;
    private TaskCompletionSource? _writeWaiter;
    private TaskCompletionSource<UtpTransport>? _connectWaiter;
    private bool _shut;
    // What Wake decided under the lock, completed once the lock is let go (TakeSignal, Complete).
    private bool _readDone;
    private int _readResult;
    private Exception? _readError;
    private TaskCompletionSource? _wokenWriter;

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

    /// <summary>
    /// A datagram may go in a segmented send (with "don't fragment") only if it fits the path as the connection knows it:
    /// one cut before a router said "packet too big" goes alone, and the kernel fragments it to the known path MTU.
    /// </summary>
    void IUtpOutput.Send(ReadOnlySpan<byte> datagram) =>
        _mux.SendTo(datagram, _to, Connection is { } c && datagram.Length <= UtpHeader.Size + c.PacketPayload);

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
        if (_reading && (c.Readable || c.IsFinished || _shut)) CompleteRead(c);
        if (_writeWaiter is { } w && (c.Writable || _shut))
        {
            _writeWaiter = null;
            QueueSignal();
            _wokenWriter = w;
        }
    }

    /// <summary>
    /// Has the multiplexer call <see cref="TakeSignal"/> before it lets the lock go (the caller holds it, and sets what is
    /// to be completed after this call): once, while nothing is waiting to be completed yet.
    /// </summary>
    private void QueueSignal()
    {
        if (!_readDone && _wokenWriter is null) _mux.Woken(this);
    }

    /// <summary>What the read and the writer woken under the lock are to be told, taken under the lock.</summary>
    internal readonly record struct Signalled(UtpTransport Transport, bool ReadDone, int ReadResult, Exception? ReadError, TaskCompletionSource? Writer);

    /// <summary>Takes what Wake decided (the caller holds the lock), to be completed once it is let go.</summary>
    internal Signalled TakeSignal()
    {
        var s = new Signalled(this, _readDone, _readResult, _readError, _wokenWriter);
        _readDone = false;
        _readError = null;
        _wokenWriter = null;
        return s;
    }

    /// <summary>Completes <paramref name="s"/> (outside the lock: the continuations go to the thread pool).</summary>
    internal void Complete(in Signalled s)
    {
        if (s.ReadDone)
        {
            if (s.ReadError is { } e) _read.SetException(e);
            else _read.SetResult(s.ReadResult);
        }
        s.Writer?.TrySetResult();
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return ValueTask.FromCanceled<int>(ct);
        if (buffer.IsEmpty) return new(0);
        using (_mux.Enter())
        {
            if (_reading) throw new InvalidOperationException("a uTP read is already waiting: one reader at a time");
            if (_shut) return new(0);
            var c = Connection;
            var n = c.Read(buffer.Span);
            if (n > 0)
            {
                c.Flush(_mux.NowMicros); // a window update, when the read reopened a closed window
                return new(n);
            }
            if (c.ReadEnded || c.State == UtpState.Closed) return new(0);
            if (c.State == UtpState.Failed) return ValueTask.FromException<int>(new IOException(c.Error));
            _read.Reset();
            _reading = true;
            c.Post(buffer);
            WatchCancellation(ct);
            return new(this, _read.Version);
        }
    }

    /// <summary>Ends the waiting read (the caller holds the lock): with what arrived, the end, or the failure.</summary>
    private void CompleteRead(UtpConnection c)
    {
        var n = c.TakePosted();
        _reading = false;
        if (n > 0) c.Flush(_mux.NowMicros); // a window update, when the read took queued bytes and reopened a closed window
        else if (c.State == UtpState.Failed && !_shut) _readError = new IOException(c.Error);
        QueueSignal();
        _readResult = n;
        _readDone = true;
    }

    /// <summary>
    /// Cancels the waiting read when <paramref name="ct"/> is; the registration is kept while the reader passes the same
    /// token (a peer's read loop does, every read), so a wait costs none.
    /// </summary>
    private void WatchCancellation(CancellationToken ct)
    {
        if (ct == _readToken) return;
        _readCancel.Unregister(); // not Dispose: that waits for a running callback, which waits for the lock we hold
        _readToken = ct;
        _readCancel = ct.CanBeCanceled ? ct.UnsafeRegister(static s => ((UtpTransport)s!).CancelRead(), this) : default;
    }

    private void CancelRead()
    {
        using (_mux.Enter())
        {
            if (!_reading) return;
            var n = Connection.TakePosted();
            _reading = false;
            if (n > 0) _read.SetResult(n); // what arrived is the reader's: the cancellation shows on its next read
            else _read.SetException(new OperationCanceledException(_readToken));
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _read.OnCompleted(continuation, state, token, flags);

    /// <summary>Queues every segment (waiting while the send buffer is full), then sends: a block's header and its data share packets.</summary>
    public async ValueTask SendAsync(IList<ArraySegment<byte>> segments, CancellationToken ct)
    {
        var index = 0;
        var offset = 0;
        while (index < segments.Count)
        {
            Task wait;
            using (_mux.Enter())
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
        using (_mux.Enter())
        {
            if (_shut) return;
            _shut = true;
            Connection.Close(_mux.NowMicros);
            Wake();
            // The reader's token may outlive the connection (an engine-wide one): its registration must not hold us.
            _readCancel.Unregister();
            _readToken = default;
        }
    }

    public void Dispose() => Shutdown();

    public override string ToString() => $"uTP {Remote}: {Connection}";
}
