using System.Globalization;
using System.Text;
using Engine.Core.Primitives;

namespace Engine.Bench.Leech;

/// <summary>The final table (one row per case, data set and client, with our ratio to each) and the targets.</summary>
public static class Report
{
    public const double ThroughputTarget = 1.2;
    public const double RssTargetMiB = 150;
    public const double RssGrowthAllowance = 1.25;

    /// <summary>Issue 20 target 4 on pinned loopback: at least this many times libtorrent's MB/s...</summary>
    public const double PinnedSpeedTarget = 1.5;

    /// <summary>...at no more than this many times its CPU-seconds per GiB.</summary>
    public const double PinnedCpuTarget = 0.75;

    public static string Build(IReadOnlyList<RunResult> rows, BenchOptions options, string conditions)
    {
        var sb = new StringBuilder();
        sb.AppendLine(conditions);
        sb.AppendLine();
        sb.AppendLine("| case | data | client | MB/s | wall s | CPU s (user+sys) | CPU s/GiB | peak RSS MiB | peak anon MiB | ours÷this MB/s | ours÷this CPU/GiB | ours÷this RSS | seeders' CPU s | other CPU s | result |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            var ours = rows.FirstOrDefault(o => o.Case == r.Case && o.Dataset == r.Dataset && o.Client == ClientNames.Ours && o.Ok);
            string Ratio(Func<RunResult, double> f) => ours is null || !r.Ok || f(r) <= 0 ? "–" : (f(ours) / f(r)).ToString("F2", CultureInfo.InvariantCulture);
            sb.Append("| ").Append(r.Case).Append(" | ").Append(r.Dataset).Append(" | ").Append(r.Client).Append(" | ");
            if (r.Ok)
            {
                sb.Append(Format.F(r.MBps)).Append(" | ").Append(Format.F(r.WallSeconds, 2)).Append(" | ")
                  .Append(Format.F(r.CpuSeconds, 2)).Append(" (").Append(Format.F(r.UserSeconds, 2)).Append('+').Append(Format.F(r.SysSeconds, 2)).Append(") | ")
                  .Append(Format.F(r.CpuPerGiB, 2)).Append(" | ").Append(Format.F(r.PeakRssMiB)).Append(" | ").Append(Format.F(r.PeakAnonMiB)).Append(" | ")
                  .Append(Ratio(x => x.MBps)).Append(" | ").Append(Ratio(x => x.CpuPerGiB)).Append(" | ").Append(Ratio(x => x.PeakRssMiB)).Append(" | ")
                  .Append(Format.F(r.SeederCpuSeconds)).Append(" | ").Append(Format.F(r.OtherCpuSeconds)).Append(" | ok |");
            }
            else
            {
                sb.Append("– | – | – | – | – | – | – | – | – | – | – | FAILED: ").Append((r.Error ?? "").Replace('|', '/').Replace('\n', ' ')).Append(" |");
            }
            sb.AppendLine();
        }
        sb.AppendLine();
        sb.AppendLine("MB/s = payload bytes (10^6) / wall time from the client's process start to completion (exit; transmission: its \"Seeding,\" line). "
                      + "CPU = user+sys of the client process (GNU time). Peak RSS = VmHWM (GNU time %M; counts file pages a client maps, e.g. libtorrent 2.0's mmap disk I/O); "
                      + "peak anon = highest RssAnon sampled every 100 ms. Ratios are ours ÷ this client: MB/s above 1 = we are faster; CPU/GiB and RSS below 1 = we use less. "
                      + "\"other CPU\" = CPU the rest of the shared machine used during the run (noise).");
        sb.AppendLine();
        sb.AppendLine("Targets:");
        foreach (var line in Targets(rows, options)) sb.AppendLine("- " + line);
        return sb.ToString();
    }

    private static IEnumerable<string> Targets(IReadOnlyList<RunResult> rows, BenchOptions options)
    {
        // 1. Throughput >= 1.2x the fastest other client, cases 1 and 2.
        foreach (var group in rows.Where(r => r.Case is "1" or "2").GroupBy(r => (r.Case, r.Dataset)))
        {
            var ours = group.FirstOrDefault(r => r.Client == ClientNames.Ours);
            var best = group.Where(r => r.Client != ClientNames.Ours && r.Ok).OrderByDescending(r => r.MBps).FirstOrDefault();
            if (ours is null || best is null) continue;
            if (!ours.Ok) { yield return $"case {group.Key.Case} {group.Key.Dataset}: throughput ≥ {ThroughputTarget}× the fastest other client — NOT MET (our run failed)"; continue; }
            var ratio = ours.MBps / best.MBps;
            yield return $"case {group.Key.Case} {group.Key.Dataset}: throughput ≥ {ThroughputTarget}× the fastest other client ({best.Client} {Format.F(best.MBps)} MB/s): " +
                         $"ours {Format.F(ours.MBps)} MB/s = {Format.F(ratio, 2)}× — {(ratio >= ThroughputTarget ? "met" : "NOT MET")}";
        }
        // 2. CPU-seconds per GiB <= libtorrent's, wherever both ran.
        foreach (var group in rows.GroupBy(r => (r.Case, r.Dataset)))
        {
            var ours = group.FirstOrDefault(r => r.Client == ClientNames.Ours && r.Ok);
            var lt = group.FirstOrDefault(r => r.Client == ClientNames.Libtorrent && r.Ok);
            if (ours is null || lt is null) continue;
            yield return $"case {group.Key.Case} {group.Key.Dataset}: CPU per GiB ≤ libtorrent's ({Format.F(lt.CpuPerGiB, 2)} s): ours {Format.F(ours.CpuPerGiB, 2)} s " +
                         $"= {Format.F(ours.CpuPerGiB / lt.CpuPerGiB, 2)}× — {(ours.CpuPerGiB <= lt.CpuPerGiB ? "met" : "NOT MET")}";
        }
        // Issue 20 target 4, only where the pair is pinned (unpinned, the noise is larger than the margin).
        foreach (var group in rows.GroupBy(r => (r.Case, r.Dataset)).Where(_ => options.Pin))
        {
            var ours = group.FirstOrDefault(r => r.Client == ClientNames.Ours && r.Ok);
            var lt = group.FirstOrDefault(r => r.Client == ClientNames.Libtorrent && r.Ok);
            if (ours is null || lt is null) continue;
            double speed = ours.MBps / lt.MBps, cpu = ours.CpuPerGiB / lt.CpuPerGiB;
            yield return $"case {group.Key.Case} {group.Key.Dataset}, pinned, from {(options.Seeder == SeederNames.Ours ? "our" : "libtorrent's")} seeder: ≥ {PinnedSpeedTarget}× libtorrent's MB/s and ≤ {PinnedCpuTarget}× its CPU per GiB: " +
                         $"ours {Format.F(speed, 2)}× and {Format.F(cpu, 2)}× — {(speed >= PinnedSpeedTarget && cpu <= PinnedCpuTarget ? "met" : "NOT MET")}";
        }
        // 3. Peak RSS in case 4 <= 150 MiB and not growing with the torrent's size (vs case 1, one file).
        var large = rows.FirstOrDefault(r => r.Case == "4" && r.Client == ClientNames.Ours);
        if (large is not null)
        {
            if (!large.Ok) { yield return "case 4: peak RSS ≤ 150 MiB — NOT MET (our run failed)"; yield break; }
            yield return $"case 4 {large.Dataset}: our peak RSS ≤ {RssTargetMiB} MiB: {Format.F(large.PeakRssMiB)} MiB — {(large.PeakRssMiB <= RssTargetMiB ? "met" : "NOT MET")}";
            var small = rows.FirstOrDefault(r => r.Case == "1" && r.Client == ClientNames.Ours && r.Ok && r.Dataset.EndsWith(" 1 file", StringComparison.Ordinal));
            if (small is null) yield return "case 4: RSS growth with size — not judged (no case 1 single-file run of ours)";
            else
            {
                var growth = large.PeakRssMiB / small.PeakRssMiB;
                yield return $"case 4: our RSS does not grow with size ({small.Dataset} {Format.F(small.PeakRssMiB)} MiB → {large.Dataset} {Format.F(large.PeakRssMiB)} MiB = {Format.F(growth, 2)}×, " +
                             $"allowed ≤ {RssGrowthAllowance}×) — {(growth <= RssGrowthAllowance ? "met" : "NOT MET")}";
            }
        }
    }
}
