using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Trackers;

namespace TrackerBench;

/// <summary>A tracker process under test, killed on dispose.</summary>
internal sealed class TrackerProcess(Process process, IPEndPoint endpoint, string? dir) : IAsyncDisposable
{
    public IPEndPoint Endpoint { get; } = endpoint;

    /// <summary>Waits for the process's READY line (ours: the bench's own serve modes).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(timeout);
        if (line != "READY") throw new InvalidOperationException($"the tracker did not start: {line}");
    }

    public double CpuSeconds()
    {
        try { return process.TotalProcessorTime.TotalSeconds; }
        catch (InvalidOperationException) { return double.NaN; }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
        process.Dispose();
        if (dir is not null) Directory.Delete(dir, recursive: true);
    }
}

internal static class Servers
{
    public static async Task<TrackerProcess> StartOursAsync()
    {
        var port = FreeUdpPort();
        var tracker = StartSelf(["serve", port.ToString()], new IPEndPoint(IPAddress.Loopback, port));
        await tracker.WaitReadyAsync(TimeSpan.FromSeconds(20));
        return tracker;
    }

    /// <summary>This program again with <paramref name="args"/> (a serve mode), stdin kept open: it runs until disposed.</summary>
    public static TrackerProcess StartSelf(IReadOnlyList<string> args, IPEndPoint endpoint)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        return new TrackerProcess(Process.Start(start)!, endpoint, null);
    }

    /// <summary>Debian's opentracker is whitelist-only and, as root, chroots into tracker.rootdir and drops to tracker.user.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static async Task<TrackerProcess> StartOpentrackerAsync(IReadOnlyList<InfoHash> hashes)
    {
        const string program = "/usr/bin/opentracker";
        if (!File.Exists(program)) throw new FileNotFoundException("opentracker is missing: apt-get install opentracker");
        var port = FreeUdpPort();
        var dir = Directory.CreateTempSubdirectory("trackerbench-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        var whitelist = Path.Combine(dir, "whitelist.txt");
        await File.WriteAllLinesAsync(whitelist, hashes.Select(h => h.ToHex()));
        File.SetUnixFileMode(whitelist, (UnixFileMode)0b110_100_100);
        var config = Path.Combine(dir, "opentracker.conf");
        await File.WriteAllTextAsync(config,
            $"listen.udp 127.0.0.1:{port}\nlisten.tcp 127.0.0.1:{FreeUdpPort()}\naccess.whitelist whitelist.txt\ntracker.rootdir {dir}\ntracker.user nobody\n");
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(config);
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var tracker = new TrackerProcess(process, new IPEndPoint(IPAddress.Loopback, port), dir);
        // Ready when a connect is answered and a whitelisted announce succeeds.
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await Load.TryConnectAsync(probe, tracker.Endpoint, TimeSpan.FromMilliseconds(200)) is not null) return tracker;
            if (process.HasExited) break;
        }
        await tracker.DisposeAsync();
        throw new InvalidOperationException("opentracker did not answer a UDP connect within 15 s");
    }

    public static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var udpPort = ((IPEndPoint)s.LocalEndPoint!).Port;
        return udpPort;
    }
}
