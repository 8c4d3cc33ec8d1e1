using System.Globalization;
using System.Runtime.InteropServices;

namespace Engine.Bench.Leech;

/// <summary>Small readers of /proc (Linux): process trees, CPU time, anonymous RSS, machine load.</summary>
public static class ProcStats
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    /// <summary>The single child of <paramref name="pid"/>, or null (none, several, or gone).</summary>
    public static int? OnlyChild(int pid)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length == 1 ? int.Parse(children[0], CultureInfo.InvariantCulture) : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Follows single children <paramref name="depth"/> levels down from <paramref name="pid"/>.</summary>
    public static int? Descendant(int pid, int depth)
    {
        int? at = pid;
        for (var i = 0; i < depth && at is { } p; i++) at = OnlyChild(p);
        return at;
    }

    /// <summary>User + system CPU seconds the process has used so far (its own threads, not its children).</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces: fields after the closing parenthesis.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var utime = long.Parse(rest[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(rest[12], CultureInfo.InvariantCulture);
            return (utime + stime) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return null; }
    }

    /// <summary>A "Key:   123 kB" field of /proc/pid/status, in KiB, or null.</summary>
    public static long? StatusKiB(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
                var parts = line[(key.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }

    /// <summary>CPU seconds the whole machine spent busy (all cores: user, nice, system, irq, softirq, steal).</summary>
    public static double MachineBusySeconds()
    {
        var first = File.ReadLines("/proc/stat").First();
        var f = first.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8)) / TicksPerSecond;
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage()
        => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>Free bytes on the file system holding <paramref name="path"/>.</summary>
    public static long FreeBytes(string path) => new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;

    /// <summary>Sends a signal to one PID (one we started); false when it failed (e.g. the process is gone).</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
