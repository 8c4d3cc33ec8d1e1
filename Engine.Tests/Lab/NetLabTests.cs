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
}
