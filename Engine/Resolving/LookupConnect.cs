using System.Net;
using System.Net.Sockets;

namespace Engine.Resolving;

/// <summary>
/// The engine's HTTP connections (trackers, web seeds, the shared directories' catalog) find their host through
/// <see cref="HostLookup"/> instead of <see cref="SocketsHttpHandler"/>'s own lookup on a pool thread, and leave from
/// the engine's listen address when it names one.
/// </summary>
internal static class LookupConnect
{
    /// <summary>
    /// Sets <paramref name="handler"/>'s connect callback to look the host up with <paramref name="lookup"/> (default: the
    /// shared one) and, with a <paramref name="local"/> address, to connect from it: only to the host's addresses of its
    /// family (<see cref="Transports.TcpDialer.SourceFor"/> says which listen addresses give one).
    /// </summary>
    public static SocketsHttpHandler Through(this SocketsHttpHandler handler, HostLookup? lookup = null, IPAddress? local = null)
    {
        var names = lookup ?? HostLookup.Shared;
        handler.ConnectCallback = (context, ct) => ConnectAsync(names, local, context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct);
        return handler;
    }

    private static async ValueTask<Stream> ConnectAsync(HostLookup names, IPAddress? local, string host, int port, CancellationToken ct)
    {
        var addresses = await names.ResolveAsync(host, Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        if (local is not null) return await ConnectFromAsync(local, addresses, port, ct).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Each address of <paramref name="local"/>'s family in turn, on a socket bound to it (a failed connect leaves a socket unusable).</summary>
    private static async ValueTask<Stream> ConnectFromAsync(IPAddress local, IPAddress[] addresses, int port, CancellationToken ct)
    {
        SocketException? last = null;
        foreach (var address in addresses)
        {
            if (address.AddressFamily != local.AddressFamily) continue;
            var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(new IPEndPoint(address, port), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.AddressFamilyNotSupported);
    }
}
