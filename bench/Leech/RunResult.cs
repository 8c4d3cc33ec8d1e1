using Engine.Events;

namespace Engine.Bench.Leech;

/// <summary>One measured leecher run.</summary>
/// <param name="WallSeconds">Client process start to completion (exit, or transmission's "Seeding," line).</param>
/// <param name="PeakRssKiB">Peak resident set (VmHWM, from /usr/bin/time %M): includes file pages the program maps.</param>
/// <param name="PeakAnonKiB">Highest RssAnon seen by sampling /proc every 100 ms (heap and stacks; no file pages).</param>
/// <param name="SeederCpuSeconds">CPU the seeder processes used during the run.</param>
/// <param name="OtherCpuSeconds">CPU the rest of the machine used during the run (other work on the shared machine).</param>
public sealed record RunResult(
    string Case, string Dataset, string Client, long Bytes,
    double WallSeconds, double UserSeconds, double SysSeconds, long PeakRssKiB, long PeakAnonKiB,
    double SeederCpuSeconds, double OtherCpuSeconds, double LoadBefore,
    bool Ok, string? Error)
{
    public double CpuSeconds => UserSeconds + SysSeconds;
    public double MBps => Ok && WallSeconds > 0 ? Bytes / WallSeconds / 1e6 : 0;
    public double CpuPerGiB => Bytes > 0 ? CpuSeconds / (Bytes / (double)BenchOptions.GiB) : 0;
    public double PeakRssMiB => PeakRssKiB / 1024.0;
    public double PeakAnonMiB => PeakAnonKiB / 1024.0;

    public static RunResult Failed(string @case, string dataset, string client, long bytes, string error)
        => new(@case, dataset, client, bytes, 0, 0, 0, 0, 0, 0, 0, 0, false, error);
}
