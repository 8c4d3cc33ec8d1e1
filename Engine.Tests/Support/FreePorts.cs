using System.Net;
using System.Net.Sockets;

namespace Engine.Tests.Support;

/// <summary>
/// Ports free right now on 127.0.0.1, for TCP and UDP alike, for nodes and trackers that must know their ports before
/// they start. They
/// come from below the kernel's ephemeral range, so no test running beside this one takes them between the pick and
/// the bind by binding port 0 or dialling out (a port picked by binding 0 once went to another test's socket, and the
/// cluster node meant for it failed to bind); each is handed out once per process.
/// </summary>
internal static class FreePorts
{
    private const int Lowest = 20000;
    private static int _next = Lowest + Random.Shared.Next(2000);

    /// <summary>A UDP endpoint on <paramref name="address"/> nobody listens on (bound, then closed): datagrams to it meet ICMP "port unreachable".</summary>
    public static IPEndPoint ClosedUdp(IPAddress address)
    {
        using var s = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(address, 0));
        return (IPEndPoint)s.LocalEndPoint!;
    }

    public static int[] Tcp(int count)
    {
        var ports = new int[count];
        var ceiling = EphemeralLow();
        for (var i = 0; i < count; i++)
        {
            for (var tries = 0; ; tries++)
            {
                var port = Lowest + (Interlocked.Increment(ref _next) - Lowest) % (ceiling - Lowest);
                if (IsFree(port)) { ports[i] = port; break; }
                if (tries > 1000) throw new InvalidOperationException($"no free TCP port on 127.0.0.1 in {Lowest}..{ceiling - 1}");
            }
        }
        return ports;
    }

    private static bool IsFree(int port)
    {
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The low end of Linux's ephemeral range (32768 by default); ports from here up are the kernel's to hand out.</summary>
    private static int EphemeralLow()
    {
        try
        {
            var low = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
            return low > Lowest + 1000 ? low : 32768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32768;
        }
    }
}
