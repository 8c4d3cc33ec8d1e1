using System.Net.Sockets;
using System.Net;

namespace Engine.TrackerServer;

/// <summary>
/// A small HTTP/1.1 server over sockets for the tracker's endpoints: GET with a query string, POST with a
/// Content-Length body (publish), keep-alive. Bounded: head size, body size, idle/read time, requests per
/// connection and concurrent connections. Routing lives in <see cref="TrackerHttpRoutes"/>.
/// </summary>
internal sealed class TrackerHttpServer : IAsyncDisposable
{
    public const int MaxHeadBytes = 8 * 1024;
    public const int MaxConnections = 256;
    public const int MaxRequestsPerConnection = 1000;
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(15);

    private readonly TcpListener _listener;
    private readonly TrackerHttpRoutes _routes;
    private readonly int _maxBodyBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly Task _acceptLoop;
    private int _open;

    public TrackerHttpServer(IPEndPoint endpoint, TrackerHttpRoutes routes, int maxBodyBytes)
    {
        _routes = routes;
        _maxBodyBytes = maxBodyBytes;
        _listener = new TcpListener(endpoint);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            _listener.Server.DualMode = true;
        _listener.Start(512);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = AcceptLoop();
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connections being served right now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

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
            if (!_slots.Wait(0))
            {
                _ = RefuseBusy(socket);
                continue;
            }
            Interlocked.Increment(ref _open);
            _ = Task.Run(() => Serve(socket));
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

    private async Task Serve(Socket socket)
    {
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            var remote = ((IPEndPoint)socket.RemoteEndPoint!).Address;
            for (var served = 0; served < MaxRequestsPerConnection && !_stop.IsCancellationRequested; served++)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(IdleTimeout);
                var headEnd = -1;
                while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == buffer.Length)
                    {
                        await Send(stream, TrackerHttpRoutes.Text(431, "request head too large", false), timeout.Token);
                        return;
                    }
                    var read = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token);
                    if (read == 0) return;
                    filled += read;
                }
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
                var body = new byte[head.ContentLength];
                var fromBuffer = (int)Math.Min(body.Length, filled - consumed);
                buffer.AsSpan(consumed, fromBuffer).CopyTo(body);
                consumed += fromBuffer;
                if (fromBuffer < body.Length) await stream.ReadExactlyAsync(body.AsMemory(fromBuffer), timeout.Token);
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;

                var response = _routes.Handle(head, body, remote);
                await Send(stream, response, timeout.Token);
                if (!head.KeepAlive) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            _slots.Release();
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
