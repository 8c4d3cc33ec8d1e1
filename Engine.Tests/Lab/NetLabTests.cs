using Engine.Tests.Interop;

namespace Engine.Tests.Lab;

/// <summary>The lab itself: public hosts reach each other; a host behind NAT reaches out as its router's address and cannot be dialled.</summary>
public sealed class NetLabTests
{
    private static async Task<(int Code, string Output)> PythonIn(LabHost host, string code)
    {
        _ = RequiredPrograms.LibtorrentVersion; // /usr/bin/python3 comes with python3-libtorrent
        await using var process = ExternalProcess.Start(new ProcessSpec("/usr/bin/python3", ["-c", code])
        {
            Name = "python in " + host.Name,
            NetNamespace = host.Namespace,
            MaxLifetime = TimeSpan.FromSeconds(30),
        });
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(20));
        return (exit, string.Join('\n', process.LogLines()));
    }

    [Fact]
    public async Task A_host_behind_nat_reaches_the_public_side_as_its_router_and_the_public_side_cannot_dial_it()
    {
        using var lab = NetLab.Create();
        var server = lab.AddHost("server");
        var hidden = lab.AddHostBehindNat("hidden");
        Assert.True(hidden.BehindNat);

        var accept = PythonIn(server, $"""
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("{server.Address}", 7777)); s.listen(); s.settimeout(15)
            c, a = s.accept(); print("from", a[0])
            """);
        await Task.Delay(500);
        var (dialOut, dialLog) = await PythonIn(hidden, $"""
            import socket, time
            for i in range(50):
                try: socket.create_connection(("{server.Address}", 7777), timeout=2); print("connected"); break
                except OSError: time.sleep(0.1)
            """);
        Assert.Equal(0, dialOut);
        Assert.Contains("connected", dialLog);
        var (code, seen) = await accept;
        Assert.Equal(0, code);
        Assert.Contains($"from {hidden.PublicAddress}", seen);

        var (inward, inwardLog) = await PythonIn(server, $"""
            import socket, sys
            try: socket.create_connection(("{hidden.Address}", 7777), timeout=2); print("reached")
            except OSError as e: print("unreachable:", e); sys.exit(3)
            """);
        Assert.Equal(3, inward);
        Assert.DoesNotContain("reached", inwardLog);
    }

    /// <summary>The public port <paramref name="server"/> sees a UDP datagram from <paramref name="client"/>'s port 40000 come from.</summary>
    private static async Task<int> SeenPortAsync(LabHost client, LabHost server, int serverPort)
    {
        var receive = PythonIn(server, $"""
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("{server.Address}", {serverPort})); s.settimeout(10)
            d, a = s.recvfrom(100); print("port", a[1])
            """);
        await Task.Delay(400);
        var (code, _) = await PythonIn(client, $"""
            import socket, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 40000))
            for i in range(20): s.sendto(b"x", ("{server.Address}", {serverPort})); time.sleep(0.05)
            """);
        Assert.Equal(0, code);
        var (received, log) = await receive;
        Assert.Equal(0, received);
        return int.Parse(log.Split("port ")[1].Trim().Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData(NatKind.PortPreserving)]
    [InlineData(NatKind.Symmetric)]
    public async Task A_port_preserving_nat_shows_one_port_to_everyone_and_a_symmetric_one_a_port_per_destination(NatKind kind)
    {
        using var lab = NetLab.Create();
        var a = lab.AddHost("a");
        var b = lab.AddHost("b");
        var hidden = lab.AddHostBehindNat("hidden", kind);
        var toA = await SeenPortAsync(hidden, a, 7001);
        var toB = await SeenPortAsync(hidden, b, 7002);
        if (kind == NatKind.PortPreserving)
        {
            Assert.Equal(40000, toA);
            Assert.Equal(40000, toB);
        }
        else Assert.NotEqual(toA, toB);
    }

    /// <summary>
    /// The hole punch of BEP 55 in its barest form: two hosts behind two port-preserving NATs send UDP from port 40000 to
    /// each other's router at the same instant. The first datagram to reach the far router is dropped by its firewall
    /// and leaves nothing there; the far host's own datagram goes out from port 40000, and from then on each side's
    /// datagrams are replies to the other's. (Without the firewall each router kept the other's first datagram as a
    /// connection of its own and moved its host's datagrams to another port: nothing arrived.)
    /// </summary>
    [Fact]
    public async Task Two_hosts_behind_two_nats_sending_udp_to_each_other_at_once_open_a_path_both_ways()
    {
        using var lab = NetLab.Create();
        var a = lab.AddHostBehindNat("a");
        var b = lab.AddHostBehindNat("b");
        var start = DateTimeOffset.UtcNow.AddSeconds(1.5).ToUnixTimeMilliseconds() / 1000.0;
        string Punch(LabHost peer) => $"""
            import socket, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 40000)); s.settimeout(0.1)
            while time.time() < {start.ToString(System.Globalization.CultureInfo.InvariantCulture)}: pass
            got = set()
            for i in range(30):
                s.sendto(b"punch", ("{peer.PublicAddress}", 40000))
                try:
                    while True:
                        d, f = s.recvfrom(100); got.add(f)
                except socket.timeout: pass
            print("from", sorted(got))
            """;
        var toB = PythonIn(a, Punch(b));
        var (codeB, logB) = await PythonIn(b, Punch(a));
        var (codeA, logA) = await toB;
        Assert.Equal(0, codeA);
        Assert.Equal(0, codeB);
        Assert.Contains($"from [('{b.PublicAddress}', 40000)]", logA);
        Assert.Contains($"from [('{a.PublicAddress}', 40000)]", logB);
    }

    [Fact]
    public async Task Shaping_holds_a_host_to_its_rate()
    {
        using var lab = NetLab.Create();
        var server = lab.AddHost("server");
        var sender = lab.AddHost("sender");
        lab.Shape(sender, 2000); // 2 Mbit/s: 512 KiB take about 2 s
        var receive = PythonIn(server, $"""
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("{server.Address}", 7003)); s.listen(); s.settimeout(15)
            c, a = s.accept(); n = 0
            while True:
                d = c.recv(65536)
                if not d: break
                n += len(d)
            print("bytes", n)
            """);
        await Task.Delay(400);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, _) = await PythonIn(sender, $"""
            import socket, time
            for i in range(50):
                try: c = socket.create_connection(("{server.Address}", 7003), timeout=2); break
                except OSError: time.sleep(0.1)
            c.sendall(b"x" * 524288); c.close()
            """);
        var (received, log) = await receive;
        var took = clock.Elapsed;
        Assert.Equal(0, code);
        Assert.Equal(0, received);
        Assert.Contains("bytes 524288", log);
        Assert.True(took > TimeSpan.FromSeconds(1.2), $"512 KiB through a 2 Mbit/s bucket in {took.TotalSeconds:F1} s"); // unshaped: a few ms
    }
}
