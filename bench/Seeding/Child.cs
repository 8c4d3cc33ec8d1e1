using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace SeedingBench;

/// <summary>
/// A program the bench started: its output lines are collected (JSON lines parsed when they are JSON) and its
/// CPU time and memory read from /proc. Dispose kills it (and only it).
/// </summary>
public sealed class Child : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<string> _tail = new();

    public Child(string name, string fileName, IEnumerable<string> args)
    {
        Name = name;
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("PYTHONHOME");
        psi.Environment.Remove("PYTHONPATH");
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + fileName);
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Add("[err] " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    private void Add(string line)
    {
        _lines.Enqueue(line);
        lock (_tail)
        {
            _tail.Add(line);
            if (_tail.Count > 40) _tail.RemoveAt(0);
        }
    }

    public string Tail()
    {
        lock (_tail) return string.Join('\n', _tail);
    }

    /// <summary>Waits for an output line satisfying <paramref name="match"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            while (_lines.TryDequeue(out var line))
                if (match(line)) return line;
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited (code {_process.ExitCode}) before {what}:\n{Tail()}");
            await Task.Delay(20);
        }
        throw new TimeoutException($"{Name}: no {what} within {timeout.TotalSeconds:F0} s:\n{Tail()}");
    }

    /// <summary>Waits for a libtorrent_peer.py event line (<c>{"type":"event","event":name}</c>).</summary>
    public Task<string> WaitForEventAsync(string name, TimeSpan timeout)
        => WaitForLineAsync(l => IsEvent(l, name), timeout, $"'{name}' event");

    private static bool IsEvent(string line, string name)
    {
        if (!line.StartsWith('{')) return false;
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("type", out var t) && t.GetString() == "event"
                && doc.RootElement.TryGetProperty("event", out var e) && e.GetString() == name;
        }
        catch (JsonException) { return false; }
    }

    /// <summary>User + system CPU time so far, from /proc/&lt;pid&gt;/stat (all threads).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name: state is field 3; utime and stime are fields 14 and 15.
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>User and system CPU time so far, separately.</summary>
    public (TimeSpan User, TimeSpan System) CpuSplit()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (TimeSpan.FromSeconds(long.Parse(fields[11]) / (double)ClockTicksPerSecond),
                TimeSpan.FromSeconds(long.Parse(fields[12]) / (double)ClockTicksPerSecond));
    }

    /// <summary>Peak resident set size (VmHWM) in bytes.</summary>
    public long PeakRss() => StatusKiB("VmHWM:") * 1024;

    /// <summary>Resets the peak RSS to the current RSS (Linux: write 5 to /proc/&lt;pid&gt;/clear_refs).</summary>
    public void ResetPeakRss() => File.WriteAllText($"/proc/{Pid}/clear_refs", "5");

    private long StatusKiB(string key)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"{key} missing from /proc/{Pid}/status");
    }

    private const int ClockTicksPerSecond = 100; // USER_HZ on Linux

    public void CloseStdin()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
    }

    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        CloseStdin();
        try { _process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
