using System.Diagnostics;
using System.Globalization;
using Engine.Tests.Interop;

namespace Engine.Bench.Idle;

/// <summary>
/// Idle benchmark (issue 6 case 5): N small torrents (default 1000) loaded and seeding, nobody connected — the
/// process's RSS and CPU-seconds per minute at rest, ours (a <see cref="Engine.Api.TorrentEngine"/> in a child
/// process of this program) against a python3-libtorrent session with the same torrents, one after the other.
///
/// usage: Engine.Bench.Idle [--quick] [--torrents 1000] [--size-kib 256] [--seconds 60] [--settle 10]
///                          [--clients ours,libtorrent] [--report out.md] [--keep]
///   --quick   sample 20 s instead of 60, after 5 s instead of 10 (the settling time after all torrents are seeding)
/// (internal) Engine.Bench.Idle --serve-engine TORRENT_DIR SAVE_DIR STATE_DIR: the measured engine process.
/// </summary>
public static class Program
{
    private const string Python = "/usr/bin/python3";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 4 && args[0] == "--serve-engine")
            return await EngineServer.RunAsync(args[1], args[2], args[3], TimeSpan.FromMinutes(10));

        var count = 1000;
        var sizeKiB = 256;
        var seconds = 60;
        var settle = 10;
        var clients = new List<string> { "ours", "libtorrent" };
        string? reportPath = null;
        var keep = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--quick": seconds = 20; settle = 5; break;
                    case "--settle": settle = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--torrents": count = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--size-kib": sizeKiB = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--clients": clients = Next().Split(',').ToList(); break;
                    case "--report": reportPath = Path.GetFullPath(Next()); break;
                    case "--keep": keep = true; break;
                    default: throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }
            if (count < 1 || sizeKiB < 16 || seconds < 1 || settle < 0) throw new ArgumentException("--torrents ≥ 1, --size-kib ≥ 16, --seconds ≥ 1");
            if (clients.Any(c => c is not ("ours" or "libtorrent"))) throw new ArgumentException("--clients takes ours and libtorrent");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"error: {e.Message}\nusage: Engine.Bench.Idle [--quick] [--torrents 1000] [--size-kib 256] [--seconds 60] [--settle 10] [--clients ours,libtorrent] [--report out.md] [--keep]");
            return 2;
        }
        if (clients.Contains("libtorrent") && !File.Exists(Python))
        {
            Console.Error.WriteLine("/usr/bin/python3 is missing: apt-get install python3-libtorrent");
            return 1;
        }

        var root = Directory.CreateTempSubdirectory("bench-idle-").FullName;
        try
        {
            var load = ProcessProbe.LoadAverage();
            var clock = Stopwatch.StartNew();
            var data = IdleData.Create(root, count, sizeKiB);
            Console.WriteLine($"[idle] {count} torrents, {data.TotalBytes / 1048576.0:F0} MiB in {root}, made in {clock.Elapsed.TotalSeconds:F1} s");
            var idle = TimeSpan.FromSeconds(seconds);
            var results = new List<IdleResult>();
            foreach (var client in clients)
            {
                Console.WriteLine($"[idle] {client}: loading {count} torrents, then {settle} s to settle and {seconds} s idle");
                var psi = client == "ours"
                    ? Self("--serve-engine", data.TorrentDirectory, data.SaveDirectory, Path.Combine(root, "state-" + results.Count))
                    : new ProcessStartInfo(Python)
                    {
                        ArgumentList = { Path.Combine(AppContext.BaseDirectory, "lt_idle.py"), "--torrents", data.TorrentDirectory,
                                         "--save-path", data.SaveDirectory, "--port", PortAllocator.Next().ToString(CultureInfo.InvariantCulture) },
                    };
                var r = await IdleRun.MeasureAsync(client, psi, TimeSpan.FromSeconds(settle), idle, TimeSpan.FromMinutes(10));
                Console.WriteLine(r.Ok
                    ? $"[idle] {client}: ready in {r.ReadySeconds:F1} s ({r.LoadCpuSeconds:F1} CPU-s); idle RSS {r.IdleRssMaxMiB:F0} MiB, peak {r.PeakRssMiB:F0} MiB, {r.IdleCpuPerMinute:F2} CPU-s/min, {r.Threads} threads"
                    : $"[idle] {client}: FAILED: {r.Error}");
                results.Add(r);
            }
            var conditions = $"Idle benchmark (case 5), {DateTime.Now:yyyy-MM-dd HH:mm}, load average {load:F2} → {ProcessProbe.LoadAverage():F2}; {seconds} s sampled after {settle} s settling";
            var report = IdleReport.Build(conditions, $"{count} torrents × ~{sizeKiB} KiB", results, count);
            Console.WriteLine();
            Console.WriteLine(report);
            if (reportPath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
                await File.WriteAllTextAsync(reportPath, report);
            }
            return results.All(r => r.Ok) ? 0 : 1;
        }
        finally
        {
            if (!keep) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>This program again (dotnet Engine.Bench.Idle.dll, or the apphost) with <paramref name="args"/>.</summary>
    private static ProcessStartInfo Self(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet");
        if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet") psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }
}
