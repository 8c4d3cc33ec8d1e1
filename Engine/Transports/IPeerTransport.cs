using System.Net;

namespace Engine.Transports;

/// <summary>
/// A connected byte stream to one peer, both ways: what the peer's read and write loops run over. TCP today
/// (<see cref="TcpTransport"/>); a uTP connection or an encrypted stream (MSE/PE, wrapping another transport) plugs
/// in here without touching the protocol code. One reader and one writer may use it at once. Errors surface as
/// <see cref="System.Net.Sockets.SocketException"/> (TCP) or <see cref="IOException"/> (others), whose message says what
/// happened; a receive or send after <see cref="Shutdown"/> fails or returns 0.
/// </summary>
internal interface IPeerTransport : IDisposable
{
    /// <summary>The peer's address (for logs and bans).</summary>
    IPEndPoint Remote { get; }

    /// <summary>Receives into <paramref name="buffer"/>: the bytes read, 0 once the peer has closed.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>Sends every byte of <paramref name="segments"/>, in order (gathered: no copy into one buffer).</summary>
    ValueTask SendAsync(IList<ArraySegment<byte>> segments, CancellationToken ct);

    /// <summary>Ends both directions at once: the loops blocked on it return.</summary>
    void Shutdown();
}
