using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Bench.Hostile;

/// <summary>A seed that claims every piece, unchokes whoever is interested and answers every request with random bytes.</summary>
internal sealed class LiarSeed : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private int _served;

    public LiarSeed(IPAddress host, InfoHash hash)
    {
        _listener.Bind(new IPEndPoint(host, 0));
        _listener.Listen(16);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _ = Task.Run(() => AcceptAsync(hash));
    }

    public IPEndPoint EndPoint { get; }
    public int BlocksServed => Volatile.Read(ref _served);

    private async Task AcceptAsync(InfoHash hash)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try { s = await _listener.AcceptAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(new Peer(s), hash));
        }
    }

    private async Task ServeAsync(Peer peer, InfoHash hash)
    {
        using var _ = peer;
        try
        {
            await peer.ReceiveHandshakeAsync();
            await peer.SendRawAsync(new Handshake(hash, Peer.NewId(), false, true).ToArray());
            await peer.SendAsync(HaveAll.Instance);
            var random = new Random();
            while (!_stop.IsCancellationRequested)
            {
                var m = await peer.ReceiveAsync(TimeSpan.FromMinutes(5));
                if (m is null) return;
                if (m is Interested) await peer.SendAsync(Unchoke.Instance);
                if (m is PieceMessage p) p.Data.Release();
                if (m is not Request r) continue;
                var frame = new byte[13 + r.Length];
                BinaryPrimitives.WriteInt32BigEndian(frame, 9 + r.Length);
                frame[4] = (byte)MessageId.Piece;
                BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), r.Piece);
                BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(9), r.Offset);
                random.NextBytes(frame.AsSpan(13));
                await peer.SendRawAsync(frame);
                Interlocked.Increment(ref _served);
            }
        }
        catch (Exception) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}
