using System.Net;
using System.Net.Sockets;

namespace Engine.Tests.Support;

/// <summary>TCP ports free on 127.0.0.1 right now (held together while picked, so distinct), for nodes that must know each other's ports before they start.</summary>
internal static class FreePorts
{
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
