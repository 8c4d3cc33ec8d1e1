using System.Globalization;
using System.Text;

namespace Engine.Bench.Scale;

/// <summary>The scale benchmark's markdown report: each phase's figures and its mailbox table.</summary>
public static class ScaleReport
{
    /// <summary>
    /// A kind counts as growing when its mean total depth in the last third of the time every torrent was active is
    /// over twice the middle third's and higher by at least one message per actor of the kind (and at least 10): a
    /// mailbox that cannot keep up grows without bound, while one queued message more in one actor of 500 is scheduling.
    /// </summary>
    public static bool Grows(double middle, double last, int actors) => last > 2 * middle && last - middle >= Math.Max(10, actors);

    /// <summary>Every sample of every kind, one CSV line each: phase, kind, seconds, actors, total depth, largest depth.</summary>
    public static string Series(IReadOnlyList<PhaseResult> phases)
    {
        var sb = new StringBuilder("phase,kind,seconds,actors,total,max\n");
        for (var i = 0; i < phases.Count; i++)
            foreach (var k in phases[i].Kinds)
                foreach (var s in k.Series)
                    sb.AppendLine(CultureInfo.InvariantCulture, $"{i},\"{k.Kind}\",{s.Seconds:F2},{s.Actors},{s.Sum},{s.Max}");
        return sb.ToString();
    }

    public static string Build(string conditions, IReadOnlyList<PhaseResult> phases)
    {
        var sb = new StringBuilder();
        sb.AppendLine(conditions).AppendLine();
        foreach (var p in phases) Phase(sb, p);
        return sb.ToString();
    }

    private static void Phase(StringBuilder sb, PhaseResult p)
    {
        var ic = CultureInfo.InvariantCulture;
        sb.AppendLine(ic, $"### {p.Name}").AppendLine();
        if (!p.Ok) sb.AppendLine(ic, $"FAILED: {p.Error}").AppendLine();
        sb.AppendLine(ic, $"- {p.Bytes / 1048576.0:F0} MiB in {p.Seconds:F1} s = **{p.MBps:F1} MB/s** aggregate; all torrents active for the first {p.AllActiveSeconds:F1} s; up to {Connections(p)} peer connections");
        sb.AppendLine(ic, $"- ours: {p.OursCpuSeconds:F1} CPU-s ({p.OursCpuSeconds / Math.Max(1e-9, p.Bytes / 1073741824.0):F2} CPU-s per GiB), peak RSS {p.PeakRssMiB:F0} MiB, GCs gen0/1/2 {p.Gen0}/{p.Gen1}/{p.Gen2}; libtorrent processes {p.LibtorrentCpuSeconds:F1} CPU-s");
        sb.AppendLine(ic, $"- MB/s per ~5 s: {string.Join(' ', p.RateSlices.Select(r => r.ToString("F0", ic)))}");
        sb.AppendLine(ic, $"- load average {p.LoadBefore:F2} → {p.LoadAfter:F2}; dirty + writeback page cache up to {p.DirtyMaxMiB:F0} MiB; one walk over every actor took {p.WalkMs:F1} ms");
        if (p.StatusTimeouts > 0) sb.AppendLine(ic, $"- {p.StatusTimeouts} of the once-a-second status reads (one per torrent) went unanswered for 5 s");
        sb.AppendLine();
        sb.AppendLine("Mailbox depths (messages queued), sampled over the phase; total = all actors of the kind together, mean over the middle and the last third of the time every torrent was active; “one ≥ 32 for”: how long at least one actor of the kind had 32 or more queued (KiB or blocks for the two queues that are not mailboxes):").AppendLine();
        sb.AppendLine(ic, $"| actor (or queue) | actors | max (at s) | p99 | p99.9 | one ≥ {MailboxPeek.Threshold} for | total: middle → last third | steady? |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var k in p.Kinds)
        {
            var actors = k.Series.Count == 0 ? 0 : k.Series.Max(s => s.Actors);
            var deepest = k.Series.Count == 0 ? default : k.Series.MaxBy(s => s.Max);
            var (middle, last) = Thirds(k, p.AllActiveSeconds);
            var grows = Grows(middle, last, actors);
            sb.AppendLine(ic, $"| {k.Kind} | {actors} | {deepest.Max} ({deepest.Seconds:F1}) | {k.Percentile(0.99)} | {k.Percentile(0.999)} | {k.Series.Count(s => s.Max >= MailboxPeek.Threshold) * p.IntervalSeconds:F2} s | {middle:F1} → {last:F1} | {(grows ? "GROWS" : "yes")} |");
        }
        sb.AppendLine();
        var deep = p.Kinds.Where(k => k.DeepQueued.Count > 0).ToList();
        if (deep.Count == 0) return;
        sb.AppendLine(ic, $"What the mailboxes held when {MailboxPeek.Threshold} or more deep (message types, counted over every such sample):").AppendLine();
        foreach (var k in deep)
        {
            var total = k.DeepQueued.Values.Sum();
            var top = k.DeepQueued.OrderByDescending(t => t.Value).Take(4).Select(t => $"{t.Key} {100.0 * t.Value / total:F0} %");
            sb.AppendLine(ic, $"- {k.Kind}: {string.Join(", ", top)}");
        }
        sb.AppendLine();
    }

    private static int Connections(PhaseResult p) =>
        p.Kinds.FirstOrDefault(k => k.Kind == "PeerConnection") is { Series.Count: > 0 } k ? k.Series.Max(s => s.Actors) : 0;

    /// <summary>Mean total depth over the middle and the last third of [0, <paramref name="until"/>].</summary>
    public static (double Middle, double Last) Thirds(KindSamples k, double until)
    {
        static double Mean(IEnumerable<KindSample> s) => s.Select(x => (double)x.Sum).DefaultIfEmpty(0).Average();
        var third = until / 3;
        return (Mean(k.Series.Where(s => s.Seconds >= third && s.Seconds < 2 * third)),
                Mean(k.Series.Where(s => s.Seconds >= 2 * third && s.Seconds <= until)));
    }
}
