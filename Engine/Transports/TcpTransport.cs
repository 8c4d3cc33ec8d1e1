using System.Net.Sockets;
using System.Net;
using Engine.Core.Peers;

namespace Engine.Transports;

/// <summary>A TCP connection (Nagle off): receives and gathered sends straight on the socket.</summary>
internal sealed class TcpTransport : IPeerTransport
{
    private readonly Socket _socket;

    public TcpTransport(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        // An IPv4 peer reaching a dual-stack listener is seen at its IPv4 address: bans, limits and the peer book see one address.
        Remote = PeerAddress.Normalize((IPEndPoint)socket.RemoteEndPoint!);
    }

    public IPEndPoint Remote { get; }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) => _socket.ReceiveAsync(buffer, SocketFlags.None, ct);

    public async ValueTask SendAsync(IList<ArraySegment<byte>> segments, CancellationToken ct)
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

    public void Shutdown()
    {
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { /* already closed */ }
    }

    public void Dispose() => _socket.Dispose();

    public override string ToString() => "tcp " + Remote;
}
