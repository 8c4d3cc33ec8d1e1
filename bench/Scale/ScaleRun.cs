using System.Diagnostics;
using Engine.Api;
using Engine.Bench.Idle;

namespace Engine.Bench.Scale;

/// <summary>
/// One measured phase: the sampler runs from the moment the transfer starts; once a second every torrent's status is
/// read (bytes, peers, completion) along with this process's RSS; CPU and GC counts are differences over the phase.
/// </summary>
public static class ScaleRun
{
    /// <summary>
    /// Starts the clock and the sampler, then <paramref name="begin"/> (adding the torrents, or nothing), and samples until <paramref name="done"/> says so (given the seconds so far and the torrents' statuses) or
    /// <paramref name="timeout"/>; <paramref name="bytes"/> reads the phase's payload from a status (counted from zero with <paramref name="fromZero"/>, else from the first status read); with <paramref name="untilFirstComplete"/>
    /// the part with every torrent active ends when the first completes (leeching), else it is the whole phase.
    /// </summary>
    public static async Task<PhaseResult> MeasureAsync(string name, TorrentEngine engine, Func<Task<IReadOnlyList<TorrentHandle>>> begin, bool fromZero, LtSwarm swarm,
        TimeSpan interval, Func<TorrentSnapshot, long> bytes, Func<double, IReadOnlyList<TorrentSnapshot>, bool> done, TimeSpan timeout, bool untilFirstComplete)
    {
        var pid = Environment.ProcessId;
        var load = ProcessProbe.LoadAverage();
        var (u0, s0) = ProcessProbe.Cpu(pid);
        var lt0 = swarm.CpuSeconds();
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        using var sampler = new MailboxSampler(engine, interval, clock);
        sampler.Start();
        var handles = await begin();
        var statuses = new TorrentSnapshot[handles.Count];
        var statusTimeouts = 0;
        for (var i = 0; i < handles.Count; i++)
        {
            while (true)
            {
                try { statuses[i] = await handles[i].GetStatusAsync(); break; }
                catch (EngineTimeoutException) when (clock.Elapsed < timeout) { statusTimeouts++; }
            }
        }
        var start = fromZero ? 0 : statuses.Sum(bytes);

        var slices = new List<double>();
        long sliceStart = start, last = start;
        double sliceSeconds = 0;
        double allActive = 0, rss = 0, dirty = 0;
        var error = (string?)null;
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            // All at once: a torrent actor too busy to answer within 5 s keeps its last status and is counted.
            var reads = handles.Select(h => h.GetStatusAsync()).ToArray();
            try { await Task.WhenAll(reads); } catch (EngineTimeoutException) { }
            for (var i = 0; i < reads.Length; i++)
            {
                if (reads[i].IsCompletedSuccessfully) statuses[i] = reads[i].Result;
                else statusTimeouts++;
            }
            var seconds = clock.Elapsed.TotalSeconds;
            last = statuses.Sum(bytes);
            rss = Math.Max(rss, ProcessProbe.StatusMiB(pid, "VmRSS"));
            dirty = Math.Max(dirty, DirtyMiB());
            if (untilFirstComplete && allActive == 0 && statuses.Any(s => s.IsComplete)) allActive = seconds;
            if (seconds - sliceSeconds >= 5)
            {
                slices.Add((last - sliceStart) / (seconds - sliceSeconds) / 1e6);
                sliceStart = last;
                sliceSeconds = seconds;
                var deepest = sampler.Snapshot().Where(k => k.Series.Count > 0).OrderByDescending(k => k.Series[^1].Max).Take(3)
                    .Select(k => $"{k.Kind} {k.Series[^1].Max} (total {k.Series[^1].Sum})");
                Console.WriteLine($"[scale]   {seconds,5:F0} s {slices[^1],6:F1} MB/s; deepest now: {string.Join(", ", deepest)}");
            }
            if (statuses.FirstOrDefault(s => s.State == Events.TorrentState.Error) is { } failed) { error = $"{failed.Name}: {failed.Error}"; break; }
            if (done(seconds, statuses)) break;
            if (clock.Elapsed > timeout) { error = $"not done within {timeout.TotalSeconds:F0} s"; break; }
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        var (u1, s1) = ProcessProbe.Cpu(pid);
        return new PhaseResult(name)
        {
            Ok = error is null,
            Error = error,
            Seconds = elapsed,
            Bytes = last - start,
            AllActiveSeconds = allActive == 0 ? elapsed : allActive,
            OursCpuSeconds = u1 + s1 - u0 - s0,
            LibtorrentCpuSeconds = swarm.CpuSeconds() - lt0,
            PeakRssMiB = Math.Max(rss, ProcessProbe.StatusMiB(pid, "VmRSS")),
            StatusTimeouts = statusTimeouts,
            Gen0 = GC.CollectionCount(0) - g0,
            Gen1 = GC.CollectionCount(1) - g1,
            Gen2 = GC.CollectionCount(2) - g2,
            LoadBefore = load,
            LoadAfter = ProcessProbe.LoadAverage(),
            WalkMs = sampler.LastWalk.TotalMilliseconds,
            IntervalSeconds = interval.TotalSeconds,
            DirtyMaxMiB = dirty,
            RateSlices = slices,
            Kinds = sampler.Snapshot(),
        };
    }

    /// <summary>Dirty + Writeback from /proc/meminfo, in MiB.</summary>
    private static double DirtyMiB()
    {
        double kib = 0;
        foreach (var line in File.ReadLines("/proc/meminfo"))
            if (line.StartsWith("Dirty:", StringComparison.Ordinal) || line.StartsWith("Writeback:", StringComparison.Ordinal))
                kib += double.Parse(line[(line.IndexOf(':') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return kib / 1024;
    }
}
