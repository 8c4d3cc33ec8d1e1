using System.Net.Sockets;
using System.Net;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Support;

/// <summary>
/// A remote peer played by the test over a real loopback socket: it listens (or connects), exchanges
/// handshakes and sends/receives wire messages with the engine's own codec, so scenario tests can script
/// well-behaved and misbehaving peers alike. Every wait is bounded.
/// </summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly Socket? _listener;
    private Socket? _socket;
    private readonly FrameDecoder _decoder = new(new BlockPool(64));
    private readonly Queue<PeerMessage> _received = new();
    private readonly List<PeerMessage> _scratch = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    private ScriptedPeer(Socket? listener, Socket? socket)
    {
        _listener = listener;
        _socket = socket;
    }

    /// <summary>The id sent in our handshake; each scripted peer gets its own (engines close a second connection from one id).</summary>
    public PeerId Id { get; set; } = NextId();

    private static int _instances;

    private static PeerId NextId()
        => PeerId.FromBytes(System.Text.Encoding.ASCII.GetBytes($"-TS0001-scripted{Interlocked.Increment(ref _instances) % 10000:D4}"));

    public IPEndPoint EndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? _socket!.LocalEndPoint!);

    /// <summary>Listens on <paramref name="address"/> (default 127.0.0.1; a lab address from <c>Lab.LoopbackLab</c> for a host of its own).</summary>
    public static ScriptedPeer Listen(IPAddress? address = null)
    {
        var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(new IPEndPoint(address ?? IPAddress.Loopback, 0));
        l.Listen(4);
        return new ScriptedPeer(l, null);
    }

    /// <summary>Connects to <paramref name="remote"/>, from <paramref name="from"/> when given (a lab address: the engine sees a host of its own).</summary>
    public static async Task<ScriptedPeer> ConnectAsync(IPEndPoint remote, IPAddress? from = null)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (from is not null) s.Bind(new IPEndPoint(from, 0));
            await s.ConnectAsync(remote).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch
        {
            s.Dispose();
            throw;
        }
        return new ScriptedPeer(null, s);
    }

    public async Task AcceptAsync(TimeSpan? timeout = null)
    {
        _socket = await _listener!.AcceptAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        _socket.NoDelay = true;
    }

    public async Task<Handshake> ReceiveHandshakeAsync(TimeSpan? timeout = null)
    {
        var buf = new byte[Handshake.Length];
        var filled = 0;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (filled < buf.Length)
        {
            var n = await _socket!.ReceiveAsync(buf.AsMemory(filled), SocketFlags.None, cts.Token);
            if (n == 0) throw new IOException("closed before the handshake");
            filled += n;
        }
        if (!Handshake.TryParse(buf, out var hs, out var error)) throw new IOException("bad handshake: " + error);
        return hs;
    }

    public Task SendHandshakeAsync(InfoHash infoHash, bool fast = true, bool extensions = false)
        => SendRawAsync(new Handshake(infoHash, Id, extensions, fast).ToArray());

    public Task SendAsync(PeerMessage message) => SendRawAsync(MessageWriter.Encode(message));

    public async Task SendRawAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
            sent += await _socket!.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    /// <summary>The next message (keep-alives included), or null when the engine closed the connection.</summary>
    public async Task<PeerMessage?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (_received.Count == 0)
        {
            int n;
            try { n = await _socket!.ReceiveAsync(_buffer, SocketFlags.None, cts.Token); }
            catch (SocketException) { return null; }
            if (n == 0) return null;
            var violation = _decoder.Feed(_buffer.AsSpan(0, n), _scratch);
            if (violation is not null) throw new IOException("engine sent a bad frame: " + violation);
            foreach (var m in _scratch) _received.Enqueue(m);
            _scratch.Clear();
        }
        return _received.Dequeue();
    }

    /// <summary>Skips messages until one of type <typeparamref name="T"/> arrives.</summary>
    public async Task<T> ReceiveAsync<T>(TimeSpan? timeout = null) where T : PeerMessage
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no {typeof(T).Name} arrived");
            var m = await ReceiveAsync(left) ?? throw new IOException($"connection closed while waiting for {typeof(T).Name}");
            if (m is T t) return t;
            if (m is PieceMessage p) p.Data.Release();
        }
    }

    /// <summary>True when the engine closes the connection within the timeout (messages before that are skipped).</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                var m = await ReceiveAsync(deadline - DateTime.UtcNow);
                if (m is null) return true;
                if (m is PieceMessage p) p.Data.Release();
            }
        }
        catch (OperationCanceledException) { }
        return false;
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _listener?.Dispose();
        _decoder.Dispose();
        return ValueTask.CompletedTask;
    }
}
