using System.Net;
using System.Net.Sockets;
using Akka.TestKit.Xunit2;
using Engine.Datagrams;
using Engine.Runtime;
using Engine.Utp;

namespace Engine.Tests.Datagrams;

/// <summary>The UDP port's receive thread (64-bit Linux): it hands datagrams on, blocks while nothing comes, and ends as soon as the port stops.</summary>
public sealed class UdpPortTests : TestKit
{
    [Fact]
    public void The_receive_thread_hands_on_datagrams_sleeps_when_idle_and_ends_when_the_port_stops()
    {
        Assert.True(BatchReceiver.IsSupported, "these tests run on 64-bit Linux");
        var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort.ForTcpAndUdp(IPAddress.Loopback));
        var mux = new UtpMultiplexer();
        var port = ActorOfAsTestActorRef<UdpPort>(UdpPort.Props(endPoint, mux));
        var thread = port.UnderlyingActor.ReceiveThread;
        Assert.NotNull(thread);
        Assert.True(thread.IsAlive);

        using (var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            stranger.SendTo(new byte[] { 0x41, 0, 0, 0 }, endPoint); // shorter than a uTP header: dropped and counted
            for (var until = DateTime.UtcNow + TimeSpan.FromSeconds(5); mux.Dropped == 0 && DateTime.UtcNow < until;) Thread.Sleep(10);
        }
        Assert.Equal(1, mux.Dropped);

        // Idle, the thread waits in poll(2): its own CPU time (/proc/self/task/<tid>/stat, in 10 ms ticks) stays put.
        var task = TaskOf($"udp {endPoint.Port}");
        var before = CpuTicks(task);
        Thread.Sleep(1000);
        Assert.InRange(CpuTicks(task) - before, 0, 2);

        Sys.Stop(port);
        // The wait is bounded at 2 s; the stop wakes it at once.
        Assert.True(thread.Join(TimeSpan.FromMilliseconds(500)), "the receive thread was still running half a second after the port stopped");
    }

    /// <summary>The /proc directory of this process's thread named <paramref name="name"/>.</summary>
    private static string TaskOf(string name) =>
        Directory.GetDirectories("/proc/self/task").Single(d => File.Exists(d + "/comm") && SafeRead(d + "/comm").Trim() == name);

    private static string SafeRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; } // a thread that ended meanwhile
    }

    /// <summary>User and system time of a thread: fields 14 and 15 of its stat line (after the parenthesised name).</summary>
    private static long CpuTicks(string task)
    {
        var stat = File.ReadAllText(task + "/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }
}
