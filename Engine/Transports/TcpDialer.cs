using System.Net.Sockets;
using System.Net;

namespace Engine.Transports;

/// <summary>
/// Dials peers over TCP. Bound to a local address (<see cref="For"/>), every connection leaves from it: an engine told to
/// listen on one interface (a VPN's, say) does not reach peers through another.
/// </summary>
internal sealed class TcpDialer : IPeerDialer
{
    private readonly IPAddress? _local;

    private TcpDialer(IPAddress? local) => _local = local;

    /// <summary>Connections from whatever address the system routes them from.</summary>
    public static TcpDialer Instance { get; } = new(null);

    /// <summary>
    /// Connections from <paramref name="listenAddress"/> when it names one address (<see cref="Instance"/> for the
    /// wildcards). A peer of the other address family is then refused: it is reachable only from another interface.
    /// </summary>
    public static TcpDialer For(IPAddress listenAddress) => SourceFor(listenAddress) is { } local ? new TcpDialer(local) : Instance;

    /// <summary>The address outgoing connections leave from for an engine listening on <paramref name="listenAddress"/>: that
    /// address when it names one, null (wherever the system routes) for the wildcards or no listener.</summary>
    public static IPAddress? SourceFor(IPAddress? listenAddress) =>
        listenAddress is null || listenAddress.Equals(IPAddress.Any) || listenAddress.Equals(IPAddress.IPv6Any) ? null : listenAddress;

    public async Task<IPeerTransport> ConnectAsync(IPEndPoint remote, CancellationToken ct)
    {
        if (_local is not null && _local.AddressFamily != remote.AddressFamily)
            throw new SocketException((int)SocketError.AddressFamilyNotSupported);
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (_local is not null) socket.Bind(new IPEndPoint(_local, 0));
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
