using System.Net;
using System.Net.Sockets;

namespace Engine.Runtime;

/// <summary>A port number free for both TCP and UDP on an address, for an engine asked to listen on "any port": TCP, the DHT and uTP share the number.</summary>
internal static class FreePort
{
    public static int ForTcpAndUdp(IPAddress address)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var tcp = new TcpListener(address, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            using var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) when (attempt < 50)
            {
                // taken for UDP: try another
            }
        }
    }
}
