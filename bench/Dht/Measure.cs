using System.Diagnostics;

namespace Engine.Bench.Dht;

/// <summary>What the process uses: resident memory after a full collection, managed heap, CPU time.</summary>
internal static class Measure
{
    public static long SettledRss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    public static long Heap() => GC.GetTotalMemory(forceFullCollection: true);

    public static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    public static string MiB(long bytes) => $"{bytes / 1048576.0:0.0} MiB";
}
