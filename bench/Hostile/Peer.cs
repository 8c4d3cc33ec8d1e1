using System.Net;
using System.Net.Sockets;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Bench.Hostile;

/// <summary>A raw wire peer over one socket (the engine's own codec): handshake, messages both ways.</summary>
internal sealed class Peer : IDisposable
{
    private static int _ids;
    private readonly Socket _socket;
    private readonly FrameDecoder _decoder = new(new BlockPool(64));
    private readonly Queue<PeerMessage> _received = new();
    private readonly List<PeerMessage> _scratch = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    public Peer(Socket socket) => _socket = socket;

    public static PeerId NewId() => PeerId.FromBytes(System.Text.Encoding.ASCII.GetBytes($"-BH0001-{Interlocked.Increment(ref _ids):D12}"));

    public static async Task<Peer> ConnectAsync(IPEndPoint engine, InfoHash hash, IPAddress? from = null)
    {
        var peer = new Peer(await Lab.ConnectAsync(engine, from));
        await peer.SendRawAsync(new Handshake(hash, NewId(), false, true).ToArray());
        await peer.ReceiveHandshakeAsync();
        return peer;
    }

    public async Task ReceiveHandshakeAsync()
    {
        var buf = new byte[Handshake.Length];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var filled = 0; filled < buf.Length;)
        {
            var n = await _socket.ReceiveAsync(buf.AsMemory(filled), SocketFlags.None, cts.Token);
            if (n == 0) throw new IOException("closed before the handshake");
            filled += n;
        }
    }

    public Task SendAsync(PeerMessage m) => SendRawAsync(MessageWriter.Encode(m));

    public async Task SendRawAsync(byte[] bytes)
    {
        for (var sent = 0; sent < bytes.Length;) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    /// <summary>The next message, or null once closed (or after the timeout).</summary>
    public async Task<PeerMessage?> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (_received.Count == 0)
            {
                var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cts.Token);
                if (n == 0) return null;
                if (_decoder.Feed(_buffer.AsSpan(0, n), _scratch) is not null) return null;
                foreach (var m in _scratch) _received.Enqueue(m);
                _scratch.Clear();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException) { return null; }
        return _received.Dequeue();
    }

    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var m = await ReceiveAsync(deadline - DateTime.UtcNow);
            if (m is null) return DateTime.UtcNow < deadline;
            if (m is PieceMessage p) p.Data.Release();
        }
        return false;
    }

    public void Dispose()
    {
        _socket.Dispose();
        _decoder.Dispose();
    }
}
