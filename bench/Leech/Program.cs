using System.Diagnostics;
using System.Runtime.InteropServices;
using Engine.Core.Primitives;
using Engine.Tests.Interop;
using Engine.Tests.Support;

namespace Engine.Bench.Leech;

/// <summary>
/// Leech benchmark (issue 3; issue 6 cases 1, 2 and 4), everything on 127.0.0.1 with data in a temp dir that is
/// deleted at the end:
/// 1. one python3-libtorrent seeder; ours, libtorrent, aria2c and transmission-cli leech a one-file and a
///    many-file data set one after another;
/// 2. eight libtorrent seeders at once; ours vs libtorrent;
/// 4. a 4× larger torrent; ours vs libtorrent, for peak RSS against size.
/// Prints the table and the targets (exit code 0 even when a target is not met; 1 when a run failed).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try { options = BenchOptions.Parse(args); }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"error: {e.Message}\n{BenchOptions.Usage}");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });

        try
        {
            var engineHost = options.EngineHostDll ?? Path.Combine(RepoPaths.Root, "Engine.Host", "bin", "Release", "net10.0", "Engine.Host.dll");
            if (!File.Exists(engineHost) && !File.Exists(Path.ChangeExtension(engineHost, null)))
                throw new FileNotFoundException($"{engineHost} not found: build it first (dotnet build Engine.Host -c Release) or pass --engine-host");
            var conditions = Conditions(options, engineHost);
            Console.Out.WriteLine(conditions);

            using var work = new TempDir("bench-leech");
            var need = 2 * options.LargeSize + 2 * options.Size + BenchOptions.GiB;
            var free = ProcStats.FreeBytes(work.FullPath);
            if (free < need)
                throw new IOException($"{work.FullPath}: {free / BenchOptions.MiB} MiB free, the benchmark needs {need / BenchOptions.MiB} MiB (set TMPDIR elsewhere or use --size)");

            await using var tracker = await OpenTracker.StartAsync([]);
            var bench = new LeechBench(options, work.FullPath, tracker, engineHost, cancel.Token);
            var rows = new List<RunResult>();
            var allClients = options.Clients;
            var oursAndLibtorrent = allClients.Where(c => c is ClientNames.Ours or ClientNames.Libtorrent).ToList();

            DataSet? single = null;
            if (options.Cases.Contains(1) || options.Cases.Contains(2))
                single = await bench.CreateDataAsync("single", options.Size, 1, seed: 1);
            if (options.Cases.Contains(1))
            {
                rows.AddRange(await bench.RunCaseAsync("1", single!, 1, allClients));
                var multi = await bench.CreateDataAsync("multi", options.Size, options.Files, seed: 2);
                rows.AddRange(await bench.RunCaseAsync("1", multi, 1, allClients));
                multi.Delete();
            }
            if (options.Cases.Contains(2) && oursAndLibtorrent.Count > 0)
                rows.AddRange(await bench.RunCaseAsync("2", single!, options.Seeders, oursAndLibtorrent));
            single?.Delete();
            if (options.Cases.Contains(4) && oursAndLibtorrent.Count > 0)
            {
                var large = await bench.CreateDataAsync("large", options.LargeSize, 1, seed: 4);
                rows.AddRange(await bench.RunCaseAsync("4", large, 1, oursAndLibtorrent));
                large.Delete();
            }

            var report = Report.Build(rows, options, conditions);
            Console.Out.WriteLine();
            Console.Out.WriteLine(report);
            if (options.ReportPath is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, report);
            }
            return rows.All(r => r.Ok) ? 0 : 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted");
            return 130;
        }
        catch (Exception e) when (e is IOException or MissingProgramException or TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static string Conditions(BenchOptions o, string engineHost)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        return $"""
            Leech benchmark, {DateTime.Now:yyyy-MM-dd HH:mm} — {Environment.ProcessorCount} cores ({cpu}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / BenchOptions.GiB} GiB, .NET {Environment.Version}, load average {Format.F(ProcStats.LoadAverage(), 2)}
            sizes: cases 1-2 {Format.Size(o.Size)} (multi-file: {o.Files} files), case 4 {Format.Size(o.LargeSize)}; pieces {o.PieceLength / 1024} KiB; case 2 seeders {o.Seeders}; seeders: {(o.Seeder == SeederNames.Ours ? "ours" : "libtorrent's")}{(o.Pin ? ", pinned to CPU 0, the leecher to CPU 1" : "")}; repeat {o.Repeat}
            clients: ours = {engineHost}; libtorrent {RequiredPrograms.LibtorrentVersion} (python3); {FirstLine(RequiredPrograms.Aria2c, "--version")}; {FirstLine(RequiredPrograms.TransmissionCli, "--version")}
            """;
    }

    private static string FirstLine(string program, string arg)
    {
        try
        {
            var psi = new ProcessStartInfo(program, arg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit(5000);
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? program;
        }
        catch (System.ComponentModel.Win32Exception) { return program; }
    }
}
