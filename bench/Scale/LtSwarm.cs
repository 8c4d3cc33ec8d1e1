using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Engine.Tests.Interop;

namespace Engine.Bench.Scale;

/// <summary>
/// The libtorrent side: <c>processes</c> python processes running lt_swarm.py, each with several sessions (one listen
/// port each) holding every torrent — seeding the data set, or leeching it from our engine. Reads each process's
/// "stat" lines; stops them all (stdin closed, then killed) on dispose, even after a failure.
/// </summary>
public sealed class LtSwarm : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly List<Process> _processes = [];
    private readonly ConcurrentDictionary<int, (long Down, long Up)> _stats = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    public IReadOnlyList<IPEndPoint> Peers { get; private init; } = [];

    /// <summary>Payload bytes all sessions have downloaded and uploaded so far (as of their last "stat" line).</summary>
    public (long Down, long Up) Totals
    {
        get
        {
            long down = 0, up = 0;
            foreach (var (d, u) in _stats.Values) { down += d; up += u; }
            return (down, up);
        }
    }

    /// <summary>User + system CPU seconds of every python process so far.</summary>
    public double CpuSeconds()
    {
        double total = 0;
        foreach (var p in _processes)
        {
            try { var (u, s) = Idle.ProcessProbe.Cpu(p.Id); total += u + s; }
            catch (IOException) { }
        }
        return total;
    }

    public static async Task<LtSwarm> StartAsync(string mode, string torrents, string savePath, int sessions, int perProcess,
        IPEndPoint? connect, bool pin, TimeSpan readyTimeout)
    {
        var peers = Enumerable.Range(0, sessions).Select(_ => new IPEndPoint(IPAddress.Loopback, PortAllocator.Next())).ToList();
        var swarm = new LtSwarm { Peers = peers };
        try
        {
            var ready = new List<Task>();
            for (var first = 0; first < sessions; first += perProcess)
            {
                var ports = string.Join(',', peers.Skip(first).Take(perProcess).Select(p => p.Port.ToString(CultureInfo.InvariantCulture)));
                var psi = new ProcessStartInfo(pin ? "taskset" : Python)
                {
                    RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                };
                if (pin) { psi.ArgumentList.Add("-c"); psi.ArgumentList.Add("0"); psi.ArgumentList.Add(Python); }
                foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "lt_swarm.py"), "--torrents", torrents, "--save-path", savePath,
                                          "--ports", ports, "--mode", mode })
                    psi.ArgumentList.Add(a);
                if (connect is not null) { psi.ArgumentList.Add("--connect"); psi.ArgumentList.Add(connect.ToString()); }
                psi.Environment.Remove("PYTHONHOME");
                psi.Environment.Remove("PYTHONPATH");
                ready.Add(swarm.Start(psi));
            }
            var all = Task.WhenAll(ready);
            if (await Task.WhenAny(all, Task.Delay(readyTimeout)) != all)
                throw new TimeoutException($"libtorrent ({mode}) not ready within {readyTimeout.TotalSeconds:F0} s: " + string.Join(" / ", swarm._stderr.TakeLast(5)));
            await all;
            return swarm;
        }
        catch
        {
            swarm.Dispose();
            throw;
        }
    }

    private Task Start(ProcessStartInfo psi)
    {
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        _processes.Add(process);
        var id = process.Id;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { ready.TrySetException(new InvalidOperationException("lt_swarm.py exited: " + string.Join(" / ", _stderr.TakeLast(5)))); return; }
            var parts = e.Data.Split(' ');
            if (parts[0] == "ready") ready.TrySetResult();
            else if (parts[0] == "stat" && parts.Length == 3)
                _stats[id] = (long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return ready.Task;
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try { p.StandardInput.Close(); } catch (IOException) { }
        }
        foreach (var p in _processes)
        {
            if (!p.WaitForExit(10_000)) { p.Kill(entireProcessTree: true); p.WaitForExit(5000); }
            p.Dispose();
        }
        _processes.Clear();
    }
}
