using System.Globalization;

namespace Engine.Bench.Idle;

/// <summary>CPU time and memory of one process, read from /proc (Linux).</summary>
public static class ProcessProbe
{
    private const double ClockTicksPerSecond = 100; // USER_HZ

    /// <summary>User and system CPU seconds so far, all threads (/proc/pid/stat fields 14 and 15).</summary>
    public static (double User, double System) Cpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) / ClockTicksPerSecond,
                long.Parse(fields[12], CultureInfo.InvariantCulture) / ClockTicksPerSecond);
    }

    /// <summary>A /proc/pid/status value in MiB (VmRSS, VmHWM, RssAnon, ...).</summary>
    public static double StatusMiB(int pid, string key) => Status(pid, key) / 1024.0;

    /// <summary>A /proc/pid/status value as a number (kB for memory, a count for Threads).</summary>
    public static long Status(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"{key} missing from /proc/{pid}/status");
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or FormatException) { return double.NaN; }
    }

    /// <summary>CPU seconds used by the whole machine so far (/proc/stat, every state but idle and iowait).</summary>
    public static double MachineBusySeconds()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double busy = 0;
        for (var i = 1; i < cpu.Length && i <= 8; i++)
            if (i is not (4 or 5)) busy += long.Parse(cpu[i], CultureInfo.InvariantCulture);
        return busy / ClockTicksPerSecond;
    }
}
