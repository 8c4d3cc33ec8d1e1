using System.Globalization;
using System.Text;

namespace SeedingBench;

/// <summary>Case 3's rows in bench/run.sh's table format (client, MB/s, CPU-seconds, peak RSS, our ratios) and its target.</summary>
public static class SeedingReport
{
    public static string Build(string conditions, string data, Program.Result ours, Program.Result lt)
    {
        var sb = new StringBuilder();
        sb.AppendLine(conditions);
        sb.AppendLine();
        sb.AppendLine("| case | data | client | MB/s | transfer s | CPU s (user+sys) | CPU s/GiB | peak RSS MiB | ours÷this MB/s | ours÷this CPU/GiB | ours÷this RSS |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in new[] { ours, lt })
        {
            sb.Append("| 3 | ").Append(data).Append(" | ").Append(r.Seeder).Append(" seeding | ")
              .Append(F(r.MBps)).Append(" | ").Append(F(r.Transfer.TotalSeconds, 2)).Append(" | ")
              .Append(F(r.Cpu.TotalSeconds, 2)).Append(" (").Append(F(r.UserCpu.TotalSeconds, 2)).Append('+').Append(F(r.SysCpu.TotalSeconds, 2)).Append(") | ")
              .Append(F(CpuPerGiB(r), 2)).Append(" | ").Append(F(r.PeakRssTransfer / 1048576.0)).Append(" | ")
              .Append(F(ours.MBps / r.MBps, 2)).Append(" | ").Append(F(CpuPerGiB(ours) / CpuPerGiB(r), 2)).Append(" | ")
              .Append(F((double)ours.PeakRssTransfer / r.PeakRssTransfer, 2)).AppendLine(" |");
        }
        sb.AppendLine();
        sb.AppendLine("Each seeder (its own process, data already checked) uploads to a fresh python3-libtorrent leecher on 127.0.0.1; " +
                      "MB/s = payload (10^6 B) / time from the leecher's \"checked\" to its \"finished\"; CPU = the seeder's user+sys over that time " +
                      "(/proc/pid/stat); peak RSS = the seeder's VmHWM over the transfer (reset after its check; libtorrent's counts its mmap'd file pages).");
        sb.AppendLine();
        sb.AppendLine("Targets:");
        var ratio = ours.MBps / lt.MBps;
        sb.AppendLine($"- case 3 {data}: seeding throughput ≥ libtorrent's ({F(lt.MBps)} MB/s): ours {F(ours.MBps)} MB/s = {F(ratio, 2)}× — {(ratio >= 1 ? "met" : "NOT MET")}");
        sb.AppendLine($"- case 3 {data}: CPU per GiB ≤ libtorrent's ({F(CpuPerGiB(lt), 2)} s): ours {F(CpuPerGiB(ours), 2)} s = {F(CpuPerGiB(ours) / CpuPerGiB(lt), 2)}× — {(CpuPerGiB(ours) <= CpuPerGiB(lt) ? "met" : "NOT MET")}");
        return sb.ToString();
    }

    private static double CpuPerGiB(Program.Result r) => r.Cpu.TotalSeconds / (r.Bytes / 1073741824.0);

    private static string F(double v, int digits = 1) => v.ToString("F" + digits, CultureInfo.InvariantCulture);

    /// <summary>The 1-minute load average (/proc/loadavg).</summary>
    public static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or FormatException) { return double.NaN; }
    }
}
