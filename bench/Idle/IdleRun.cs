using System.Diagnostics;

namespace Engine.Bench.Idle;

/// <summary>What one client cost with the torrents loaded: until ready, and per minute while idle.</summary>
public sealed record IdleResult(string Client, bool Ok, string? Error = null)
{
    public double ReadySeconds { get; init; }
    public double SettleSeconds { get; init; }
    public double LoadCpuSeconds { get; init; }
    public double IdleSeconds { get; init; }
    public double IdleUserSeconds { get; init; }
    public double IdleSysSeconds { get; init; }
    public double IdleRssMaxMiB { get; init; }
    public double IdleAnonMaxMiB { get; init; }
    public double PeakRssMiB { get; init; }
    public long Threads { get; init; }
    public double OtherCpuSeconds { get; init; }

    public double IdleCpuPerMinute => (IdleUserSeconds + IdleSysSeconds) / IdleSeconds * 60;
    public double OtherCpuPerMinute => OtherCpuSeconds / IdleSeconds * 60;
}

/// <summary>Starts one client process, waits for its "ready" line, samples /proc for the idle window, stops it.</summary>
public static class IdleRun
{
    public static async Task<IdleResult> MeasureAsync(string client, ProcessStartInfo psi, TimeSpan settle, TimeSpan idle, TimeSpan readyTimeout)
    {
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.Environment.Remove("PYTHONHOME");
        psi.Environment.Remove("PYTHONPATH");
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.Enqueue(e.Data); };
        process.BeginErrorReadLine();
        try
        {
            var readLine = process.StandardOutput.ReadLineAsync();
            string? line;
            while (true)
            {
                if (await Task.WhenAny(readLine, Task.Delay(readyTimeout)) != readLine)
                    return new IdleResult(client, false, $"not ready within {readyTimeout.TotalSeconds:F0} s; " + string.Join(" / ", stderr.TakeLast(5)));
                line = await readLine;
                if (line is null)
                {
                    await process.WaitForExitAsync();
                    return new IdleResult(client, false, $"exited (code {process.ExitCode}) before ready: " + string.Join(" / ", stderr.TakeLast(5)));
                }
                if (line.StartsWith("ready ", StringComparison.Ordinal)) break;
                readLine = process.StandardOutput.ReadLineAsync();
            }
            var ready = double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var pid = process.Id;
            var (lu, ls) = ProcessProbe.Cpu(pid);
            var loadCpu = lu + ls;
            await Task.Delay(settle);
            if (process.HasExited) return new IdleResult(client, false, $"exited (code {process.ExitCode}) while idle: " + string.Join(" / ", stderr.TakeLast(5)));
            var (u0, s0) = ProcessProbe.Cpu(pid);
            var machine0 = ProcessProbe.MachineBusySeconds();
            var clock = Stopwatch.StartNew();
            double rssMax = 0, anonMax = 0;
            while (clock.Elapsed < idle)
            {
                rssMax = Math.Max(rssMax, ProcessProbe.StatusMiB(pid, "VmRSS"));
                anonMax = Math.Max(anonMax, ProcessProbe.StatusMiB(pid, "RssAnon"));
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
            var (u1, s1) = ProcessProbe.Cpu(pid);
            var seconds = clock.Elapsed.TotalSeconds;
            var machine = ProcessProbe.MachineBusySeconds() - machine0;
            var result = new IdleResult(client, true)
            {
                ReadySeconds = ready,
                SettleSeconds = settle.TotalSeconds,
                LoadCpuSeconds = loadCpu,
                IdleSeconds = seconds,
                IdleUserSeconds = u1 - u0,
                IdleSysSeconds = s1 - s0,
                IdleRssMaxMiB = Math.Max(rssMax, ProcessProbe.StatusMiB(pid, "VmRSS")),
                IdleAnonMaxMiB = anonMax,
                PeakRssMiB = ProcessProbe.StatusMiB(pid, "VmHWM"),
                Threads = ProcessProbe.Status(pid, "Threads"),
                OtherCpuSeconds = Math.Max(0, machine - (u1 - u0) - (s1 - s0)),
            };
            process.StandardInput.Close();
            if (!process.WaitForExit(15_000)) process.Kill();
            return result;
        }
        finally
        {
            if (!process.HasExited) { process.Kill(); process.WaitForExit(5000); }
        }
    }
}
