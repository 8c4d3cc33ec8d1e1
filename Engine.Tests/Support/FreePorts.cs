using System.Net;
using System.Net.Sockets;

namespace Engine.Tests.Support;

/// <summary>Ports free right now: TCP ports on 127.0.0.1 (held together while picked, so distinct), for nodes that must know each other's ports before they start.</summary>
internal static class FreePorts
{
    /// <summary>A UDP endpoint on <paramref name="address"/> nobody listens on (bound, then closed): datagrams to it meet ICMP "port unreachable".</summary>
    public static IPEndPoint ClosedUdp(IPAddress address)
    {
        using var s = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(address, 0));
        return (IPEndPoint)s.LocalEndPoint!;
    }

    public static int[] Tcp(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
