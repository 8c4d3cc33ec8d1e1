using System.Diagnostics;
using Engine.Core.Primitives;
using Engine.Events;
using Engine.Tests.Interop;

namespace Engine.Bench.Leech;

/// <summary>Runs the cases: data sets, seeders, and every client one after another against the same seeders.</summary>
public sealed class LeechBench(BenchOptions options, string workDir, OpenTracker tracker, string engineHostDll, CancellationToken cancel)
{
    private static readonly TimeSpan SeederCheckTimeout = TimeSpan.FromMinutes(10);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _runNumber;

    /// <summary>Every run, in order (medians are picked from these).</summary>
    public List<RunResult> AllRuns { get; } = new();

    public void Log(string text) => Console.Out.WriteLine($"[{_clock.Elapsed.TotalSeconds,7:0.0} s] {text}");

    public async Task<DataSet> CreateDataAsync(string name, long bytes, int files, int seed)
    {
        var need = bytes * 2 + BenchOptions.GiB;
        var free = ProcStats.FreeBytes(workDir);
        if (free < need)
            throw new IOException($"not enough disk for the '{name}' data set under {workDir}: {free / BenchOptions.MiB} MiB free, {need / BenchOptions.MiB} MiB needed (seed copy + one download + 1 GiB)");
        var clock = Stopwatch.StartNew();
        var data = await DataSet.CreateAsync(workDir, name, bytes, files, options.PieceLength, tracker, seed).ConfigureAwait(false);
        Log($"data set '{name}': {data.Label}, {data.Torrent.PieceLength / 1024} KiB pieces, torrent {data.Torrent.InfoHashHex} ({clock.Elapsed.TotalSeconds:F1} s to write and hash)");
        return data;
    }

    /// <summary>
    /// Starts <paramref name="seederCount"/> seeders of the data set (libtorrent's, or ours with <c>--seeder ours</c>;
    /// their hash check is not timed), then
    /// runs libtorrent once as a warm-up and then each client <see cref="BenchOptions.Repeat"/> times in rotating order;
    /// returns the median run of each client.
    /// </summary>
    public async Task<List<RunResult>> RunCaseAsync(string caseName, DataSet data, int seederCount, IReadOnlyList<string> clients)
    {
        var seeders = new List<ExternalPeer>();
        try
        {
            await EnsureSeedersAsync(seeders, data, seederCount).ConfigureAwait(false);
            // One libtorrent run that is not counted: the first transfer of a new data set runs far slower whichever
            // client takes it (its files land in guest memory not touched before: 2026-12-02, ~200 MB/s for either
            // side against 370-520 after), and the rotation below starts with ours.
            Log($"case {caseName} {data.Name}: warm-up run, not counted");
            await RunOneAsync(caseName, data, LeechClient.Create(ClientNames.Libtorrent, engineHostDll), seeders).ConfigureAwait(false);
            var runs = new List<RunResult>();
            for (var round = 0; round < options.Repeat; round++)
            {
                for (var k = 0; k < clients.Count; k++)
                {
                    cancel.ThrowIfCancellationRequested();
                    var name = clients[(k + round) % clients.Count];
                    await EnsureSeedersAsync(seeders, data, seederCount).ConfigureAwait(false);
                    var run = await RunOneAsync(caseName, data, LeechClient.Create(name, engineHostDll), seeders).ConfigureAwait(false);
                    runs.Add(run);
                    AllRuns.Add(run);
                }
            }
            return clients.Select(c => Median(runs.Where(r => r.Client == c).ToList())).ToList();
        }
        finally
        {
            foreach (var s in seeders) await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<RunResult> RunOneAsync(string caseName, DataSet data, LeechClient client, IReadOnlyList<ExternalPeer> seeders)
    {
        var n = ++_runNumber;
        var saveDir = Path.Combine(workDir, $"leech-{n:D2}-{client.Name}");
        var scratch = Path.Combine(workDir, $"scratch-{n:D2}-{client.Name}");
        var context = new LeechContext(data.Torrent, saveDir, scratch, PortAllocator.Next(), seeders, tracker);
        var timeout = TimeSpan.FromSeconds(120 + data.Bytes / 5e6);
        await FlushPageCacheAsync().ConfigureAwait(false);
        Log($"case {caseName} {data.Name}: {client.Name} leeching {data.Label} from {seeders.Count} seeder(s)...");
        RunResult result;
        try
        {
            result = await MeasuredRun.RunAsync(caseName, data.Label, client, context, data.Bytes, timeout, Log, cancel, options.Verbose, options.Pin).ConfigureAwait(false);
            if (result.Ok && Verifier.Compare(data.Root, data.DownloadedPath(saveDir)) is { } problem)
                result = result with { Ok = false, Error = "data differs: " + problem };
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or MissingProgramException)
        {
            result = RunResult.Failed(caseName, data.Label, client.Name, data.Bytes, e.Message);
        }
        finally
        {
            if (options.Verbose)
                foreach (var s in seeders)
                    Log("seeder log after the run:\n" + string.Join('\n', s.Process.LogLines().Where(l => !l.Contains("\"type\":\"status\"", StringComparison.Ordinal)).TakeLast(60)));
            TryDelete(saveDir);
            TryDelete(scratch);
        }
        Log(result.Ok
            ? $"  {client.Name}: {Format.F(result.MBps)} MB/s ({Format.F(result.WallSeconds, 2)} s), CPU {Format.F(result.CpuSeconds, 2)} s " +
              $"(user {Format.F(result.UserSeconds, 2)} + sys {Format.F(result.SysSeconds, 2)}), peak RSS {Format.F(result.PeakRssMiB)} MiB " +
              $"(anon {Format.F(result.PeakAnonMiB)}), seeders' CPU {Format.F(result.SeederCpuSeconds)} s, other CPU on the machine {Format.F(result.OtherCpuSeconds)} s, load {Format.F(result.LoadBefore)}"
            : $"  {client.Name}: FAILED ({result.Error})");
        return result;
    }

    /// <summary>
    /// Writes dirty pages back before a client starts (not timed): otherwise the client that runs right after the data
    /// set was made (or after a client whose files are still being written back) hits the kernel's dirty-page limit
    /// and pays for writing data that is not its own, in wall time and in system CPU.
    /// </summary>
    private static async Task FlushPageCacheAsync()
    {
        try
        {
            using var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false });
            if (sync is not null) await sync.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No sync(1): the runs are still measured, only less evenly.
        }
    }

    private async Task EnsureSeedersAsync(List<ExternalPeer> seeders, DataSet data, int count)
    {
        var restarted = false;
        for (var i = 0; i < seeders.Count; i++)
        {
            if (!seeders[i].Process.HasExited) continue;
            Log($"seeder {seeders[i].Name} has exited: restarting it");
            await seeders[i].DisposeAsync().ConfigureAwait(false);
            seeders[i] = await StartSeederAsync(data).ConfigureAwait(false);
            restarted = true;
        }
        var clock = Stopwatch.StartNew();
        while (seeders.Count < count)
        {
            seeders.Add(await StartSeederAsync(data).ConfigureAwait(false));
            restarted = true;
        }
        if (!restarted) return;
        await Task.WhenAll(seeders.Select(s => s.WaitUntilSeedingAsync(SeederCheckTimeout))).ConfigureAwait(false);
        await tracker.WaitForSwarmAsync(data.Torrent.InfoHashHex, count, 0, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Log($"{count} {options.Seeder} seeder(s) checked their data and announced ({clock.Elapsed.TotalSeconds:F1} s, not timed)");
    }

    private async Task<ExternalPeer> StartSeederAsync(DataSet data) => options.Seeder == SeederNames.Ours
        ? await OursSeeder.StartAsync(engineHostDll, data.Torrent, data.SeedDir).ConfigureAwait(false)
        : await LibtorrentPeer.StartSeederAsync(data.Torrent, data.SeedDir, new LibtorrentOptions { Transport = "both" }).ConfigureAwait(false);

    private static RunResult Median(List<RunResult> runs)
    {
        var ok = runs.Where(r => r.Ok).OrderBy(r => r.WallSeconds).ToList();
        return ok.Count > 0 ? ok[(ok.Count - 1) / 2] : runs[^1];
    }

    private static void TryDelete(string dir)
    {
        for (var i = 0; i < 3; i++)
        {
            try
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                return;
            }
            catch (IOException) { Thread.Sleep(200); }
            catch (UnauthorizedAccessException) { Thread.Sleep(200); }
        }
    }
}
