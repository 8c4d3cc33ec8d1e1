using System.Net.Sockets;

namespace Engine.Resolving;

/// <summary>
/// The engine's HTTP connections (trackers, web seeds, the shared directories' catalog) find their host through
/// <see cref="HostLookup"/> instead of <see cref="SocketsHttpHandler"/>'s own lookup on a pool thread.
/// </summary>
internal static class LookupConnect
{
    /// <summary>Sets <paramref name="handler"/>'s connect callback to look the host up with <paramref name="lookup"/> (default: the shared one).</summary>
    public static SocketsHttpHandler Through(this SocketsHttpHandler handler, HostLookup? lookup = null)
    {
        var names = lookup ?? HostLookup.Shared;
        handler.ConnectCallback = (context, ct) => ConnectAsync(names, context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct);
        return handler;
    }

    private static async ValueTask<Stream> ConnectAsync(HostLookup names, string host, int port, CancellationToken ct)
    {
        var addresses = await names.ResolveAsync(host, Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
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
}
