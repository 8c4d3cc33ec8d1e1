using System.Net.Sockets;
using System.Net;

namespace Engine.TrackerServer;

/// <summary>
/// A small HTTP/1.1 server over sockets for the tracker's endpoints: GET with a query string, POST with a
/// Content-Length body (publish), keep-alive. Bounded: head size, body size, requests per connection, connections
/// (per address too) and their idle time, which shrinks with the load; when every place is taken a newcomer evicts the
/// connection idle longest (<see cref="HttpConnectionTable"/>). Bodies are read in steps whose buffers grow only as bytes
/// arrive, within one budget for all connections (<see cref="BodyBudget"/>). Routing lives in <see cref="TrackerHttpRoutes"/>.
/// </summary>
internal sealed class TrackerHttpServer : IAsyncDisposable
{
    public const int MaxHeadBytes = 8 * 1024;
    public const int MaxConnections = 256;
    public const int MaxRequestsPerConnection = 1000;
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MinIdleTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A body buffer's first size (it then doubles as it fills; each growth is taken from the budget before it is read).</summary>
    public const int BodyStep = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly TrackerHttpRoutes _routes;
    private readonly int _maxBodyBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpConnectionTable _table;                                  // guarded by itself
    private readonly Dictionary<long, CancellationTokenSource> _evict = new();     // guarded by _table
    private readonly Task _acceptLoop;
    private int _open;

    public TrackerHttpServer(IPEndPoint endpoint, TrackerHttpRoutes routes, int maxBodyBytes, int maxConnectionsPerAddress = 32,
        long bodyBudgetBytes = 32L * 1024 * 1024)
    {
        _routes = routes;
        _maxBodyBytes = maxBodyBytes;
        _table = new HttpConnectionTable(MaxConnections, maxConnectionsPerAddress, IdleTimeout, MinIdleTimeout);
        Bodies = new BodyBudget(bodyBudgetBytes);
        _listener = new TcpListener(endpoint);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            _listener.Server.DualMode = true;
        _listener.Start(512);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = AcceptLoop();
    }

    /// <summary>The HTTP server of <paramref name="backend"/> on <paramref name="endpoint"/>, bounded by its options.</summary>
    public static TrackerHttpServer For(IPEndPoint endpoint, ITrackerBackend backend)
    {
        var o = backend.Options;
        return new TrackerHttpServer(endpoint, new TrackerHttpRoutes(backend), o.MaxTorrentFileBytes, o.MaxConnectionsPerAddress, o.MaxBodyBytesInFlight);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connections being served right now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>The request bodies' budget (observable in tests).</summary>
    public BodyBudget Bodies { get; }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            if (socket.RemoteEndPoint is not IPEndPoint remote || Admit(remote.Address) is not var (id, evict))
            {
                _ = RefuseBusy(socket);
                continue;
            }
            Interlocked.Increment(ref _open);
            _ = Task.Run(() => Serve(socket, id, evict));
        }
    }

    private (long Id, CancellationTokenSource Evict)? Admit(IPAddress remote)
    {
        lock (_table)
        {
            var admission = _table.Admit(remote, DateTimeOffset.UtcNow);
            if (!admission.Accepted) return null;
            if (admission.Evicted is { } gone && _evict.Remove(gone, out var victim)) victim.Cancel();
            var evict = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            _evict.Add(admission.Id, evict);
            return (admission.Id, evict);
        }
    }

    private TimeSpan WaitingForRequest(long id)
    {
        lock (_table) return _table.WaitingForRequest(id);
    }

    private void Busy(long id)
    {
        lock (_table) _table.Busy(id);
    }

    private void Closed(long id)
    {
        lock (_table)
        {
            _table.Close(id);
            _evict.Remove(id);
        }
    }

    private static async Task RefuseBusy(Socket socket)
    {
        using (socket)
        {
            try
            {
                var response = TrackerHttpRoutes.Text(503, "too many connections", keepAlive: false);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.SendAsync(response, SocketFlags.None, cts.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task Serve(Socket socket, long id, CancellationTokenSource evict)
    {
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            var remote = ((IPEndPoint)socket.RemoteEndPoint!).Address;
            for (var served = 0; served < MaxRequestsPerConnection && !_stop.IsCancellationRequested; served++)
            {
                // Waiting for a request (or the rest of its head): evictable, for a time that shrinks with the load.
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(evict.Token);
                waiting.CancelAfter(WaitingForRequest(id));
                var headEnd = -1;
                while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == buffer.Length)
                    {
                        await Send(stream, TrackerHttpRoutes.Text(431, "request head too large", false), waiting.Token);
                        return;
                    }
                    var read = await stream.ReadAsync(buffer.AsMemory(filled), waiting.Token);
                    if (read == 0) return;
                    filled += read;
                }
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(IdleTimeout);
                if (!HttpRequestHead.TryParse(buffer.AsSpan(0, headEnd), out var head, out var status, out var problem))
                {
                    await Send(stream, TrackerHttpRoutes.Text(status, problem!, false), timeout.Token);
                    return;
                }
                var consumed = headEnd + 4;
                if (head!.ContentLength > _maxBodyBytes)
                {
                    await Send(stream, TrackerHttpRoutes.Text(413, $"the body may have at most {_maxBodyBytes} bytes", false), timeout.Token);
                    return;
                }
                var length = (int)head.ContentLength;
                var fromBuffer = Math.Min(length, filled - consumed);
                // Still evictable while its body arrives (a stalled upload holds nothing but its place); busy once whole.
                using var uploading = CancellationTokenSource.CreateLinkedTokenSource(evict.Token);
                uploading.CancelAfter(IdleTimeout);
                var (body, taken) = await ReadBodyAsync(stream, buffer.AsMemory(consumed, fromBuffer), length, uploading.Token);
                try
                {
                    if (body is null)
                    {
                        await Send(stream, TrackerHttpRoutes.Text(503, "too many uploads in progress; try again later", false), timeout.Token);
                        return;
                    }
                    Busy(id);
                    consumed += fromBuffer;
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                    var response = await _routes.HandleAsync(head, body, remote);
                    await Send(stream, response, timeout.Token);
                }
                finally { Bodies.Return(taken); }
                if (!head.KeepAlive) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
        {
        }
        finally
        {
            Closed(id);
            evict.Dispose();
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>
    /// Reads a body of <paramref name="length"/> bytes, <paramref name="start"/> of which arrived with the head (at most
    /// the head buffer's 8 KiB, less than a step). The buffer starts at <see cref="BodyStep"/> and doubles as it fills, each
    /// growth taken from <see cref="Bodies"/> before it is read, so a declared length costs nothing until its bytes arrive. Returns the body (null when the budget ran out) and the
    /// bytes taken from the budget, which the caller gives back once the request is handled.
    /// </summary>
    private async Task<(byte[]? Body, long Taken)> ReadBodyAsync(NetworkStream stream, ReadOnlyMemory<byte> start, int length, CancellationToken ct)
    {
        if (length == 0) return ([], 0);
        long taken = 0;
        var body = Array.Empty<byte>();
        var received = 0;
        try
        {
            while (received < length)
            {
                if (received == body.Length)
                {
                    // Full: grow (a step at first, then doubling, at most the length), taken from the budget before reading.
                    var capacity = Math.Min(length, Math.Max(BodyStep, 2 * body.Length));
                    if (!Bodies.TryTake(capacity - body.Length)) return (null, taken);
                    taken += capacity - body.Length;
                    Array.Resize(ref body, capacity);
                }
                if (received == 0 && start.Length > 0)
                {
                    start.CopyTo(body);
                    received = start.Length;
                    continue;
                }
                var read = await stream.ReadAsync(body.AsMemory(received, body.Length - received), ct);
                if (read == 0) throw new EndOfStreamException();
                received += read;
            }
            return (body, taken);
        }
        catch
        {
            Bodies.Return(taken);
            throw;
        }
    }

    private static async Task Send(NetworkStream stream, byte[] response, CancellationToken token) =>
        await stream.WriteAsync(response, token);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        // Connections notice the cancellation within their next read; give them a moment.
        for (var i = 0; i < 50 && OpenConnections > 0; i++) await Task.Delay(20);
        _stop.Dispose();
    }
}
