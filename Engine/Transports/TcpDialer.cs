using System.Net.Sockets;
using System.Net;

namespace Engine.Transports;

/// <summary>Dials peers over TCP.</summary>
internal sealed class TcpDialer : IPeerDialer
{
    public static TcpDialer Instance { get; } = new();

    public async Task<IPeerTransport> ConnectAsync(IPEndPoint remote, CancellationToken ct)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(remote, ct).ConfigureAwait(false);
            return new TcpTransport(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
