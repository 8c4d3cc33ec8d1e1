using System.Net.Sockets;
using System.Net;

namespace Engine.Tests.Interop;

/// <summary>
/// Hands out 127.0.0.1 ports that are free for both TCP and UDP at the time of the call (libtorrent and opentracker
/// open both on one port). Ports come from below the kernel's ephemeral range so that an outgoing connection cannot
/// take a handed-out port before its program binds it; a port is never handed out twice in one test run.
/// </summary>
public static class PortAllocator
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Handed = [];
    private static readonly Random Rng = new();
    private static readonly (int Low, int High) Range = ChooseRange();

    /// <summary>A port free on 127.0.0.1 for TCP and UDP right now.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var port = Rng.Next(Range.Low, Range.High);
                if (Handed.Contains(port) || !IsFree(port)) continue;
                Handed.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"no free 127.0.0.1 TCP+UDP port found in {Range.Low}-{Range.High} after 500 tries");
    }

    /// <summary>True when both a TCP listener and a UDP socket can bind 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            tcp.Listen(1);
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int, int) ChooseRange()
    {
        // Linux: "32768\t60999". Stay below it; fall back to a fixed window when the file is unreadable.
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            var low = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            if (low > 12000) return (10000, low);
            var high = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            if (high < 63000) return (high + 1, 65535);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException) { }
        return (20000, 30000);
    }
}
