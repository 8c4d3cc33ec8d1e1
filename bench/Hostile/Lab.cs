using System.Net;
using System.Net.Sockets;

namespace Engine.Bench.Hostile;

/// <summary>Distinct loopback hosts (127.x.y.z), as Engine.Tests/Lab/LoopbackLab gives the tests; and this process's RSS.</summary>
internal static class Lab
{
    private static int _next;
    private static readonly byte Run = (byte)(2 + Environment.ProcessId % 250);

    public static IPAddress NewHost()
    {
        var n = Interlocked.Increment(ref _next);
        var block = n / 62_500;
        n %= 62_500;
        return new IPAddress([127, (byte)(2 + (Run + block) % 250), (byte)(n / 250), (byte)(2 + n % 250)]);
    }

    public static async Task<Socket> ConnectAsync(IPEndPoint remote, IPAddress? from = null)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (from is not null) s.Bind(new IPEndPoint(from, 0));
            await s.ConnectAsync(remote).WaitAsync(TimeSpan.FromSeconds(5));
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>Resident set size of this process, MiB.</summary>
    public static double RssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return 0;
    }
}
