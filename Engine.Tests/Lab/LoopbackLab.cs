using System.Net;
using System.Net.Sockets;

namespace Engine.Tests.Lab;

/// <summary>
/// Hosts of their own on one machine, without root: distinct addresses in 127.0.0.0/8 (all of it is loopback on Linux,
/// so anything can bind to and connect to 127.a.b.c). The engine treats only 127.0.0.1 and ::1 as a shared host
/// (bans and per-address limits by address and port, see <c>Engine.Core.Peers.PeerAddress</c>); every other lab address
/// is one host, as on the Internet: bans and limits cover the address. Addresses are unique per process and per call
/// (127.&lt;run&gt;.&lt;n / 250&gt;.&lt;2 + n % 250&gt;, the run byte from the process id), so tests running at once never share
/// one. The start of issue 16's NetLab: namespaces, bridges and links come there; nothing here needs cleaning up.
/// </summary>
public static class LoopbackLab
{
    private static readonly byte Run = (byte)(2 + Environment.ProcessId % 250);
    private static int _next;

    /// <summary>A fresh address no other caller of this process gets.</summary>
    public static IPAddress NewHost()
    {
        var n = Interlocked.Increment(ref _next) - 1;
        if (n >= 250 * 250) throw new InvalidOperationException("the loopback lab ran out of addresses (62 500 per run)");
        return new IPAddress([127, Run, (byte)(n / 250), (byte)(2 + n % 250)]);
    }

    /// <summary><paramref name="count"/> fresh addresses.</summary>
    public static IPAddress[] NewHosts(int count)
    {
        var hosts = new IPAddress[count];
        for (var i = 0; i < count; i++) hosts[i] = NewHost();
        return hosts;
    }

    /// <summary>A socket connected to <paramref name="remote"/> from <paramref name="from"/> (the engine sees that address).</summary>
    public static async Task<Socket> ConnectFromAsync(IPAddress from, IPEndPoint remote, TimeSpan? timeout = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(remote).WaitAsync(timeout ?? TimeSpan.FromSeconds(5));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
