using System.Diagnostics;
using System.Globalization;
using Engine.Tests.Interop;

namespace Engine.Bench.Leech;

/// <summary>
/// Runs one leecher under <c>/usr/bin/time</c> (user/sys CPU and peak RSS of exactly that program, the same way for
/// every client), itself under timeout(1) as a lifetime bound. Wall time is our own stopwatch from just before the
/// process starts to completion. While it runs, the program's RssAnon is sampled and the seeders' and the machine's
/// CPU are read so that interference from other work on the machine shows in the report.
/// </summary>
public static class MeasuredRun
{
    private const int SigTerm = 15;

    /// <summary>GNU time (Debian package <c>time</c>; the shell keyword of the same name has no -f/-o).</summary>
    public static string TimeProgram => File.Exists("/usr/bin/time")
        ? "/usr/bin/time"
        : throw new MissingProgramException("/usr/bin/time is missing: apt-get install time (bench/run.sh installs it)");

    private static void Pin(int pid, int cpu)
    {
        using var p = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpu.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)])
            { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        if (!p.WaitForExit(5000)) p.Kill();
    }

    public static async Task<RunResult> RunAsync(string @case, string dataset, LeechClient client, LeechContext context,
        long bytes, TimeSpan timeout, Action<string> log, CancellationToken cancel, bool verbose = false, bool pin = false)
    {
        Directory.CreateDirectory(context.SaveDir);
        Directory.CreateDirectory(context.ScratchDir);
        var timeFile = Path.Combine(context.ScratchDir, $"time-{client.Name}.txt");
        var (program, args, env) = client.Command(context);
        var wrapped = new List<string> { "-f", "user=%U sys=%S maxrss=%M exit=%x", "-o", timeFile, program };
        wrapped.AddRange(args);
        if (pin)
        {
            // Seeders on CPU 0 (every thread, -a), the leecher on CPU 1: taskset execs GNU time, so the chain stays timeout -> time -> program.
            foreach (var pid in context.Seeders.Select(s => s.Process.ProgramPid).OfType<int>()) Pin(pid, 0);
            wrapped.InsertRange(0, ["-c", "1", TimeProgram]);
        }
        var spec = new ProcessSpec(pin ? "taskset" : TimeProgram, wrapped)
        {
            Name = client.Name,
            WorkingDirectory = context.ScratchDir,
            Environment = env,
            MaxLifetime = timeout + TimeSpan.FromSeconds(60),
            LogCapacity = 60,
        };

        var completedLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seederPids = context.Seeders.Select(s => s.Process.ProgramPid).OfType<int>().ToArray();
        var seederCpu0 = seederPids.Sum(p => ProcStats.CpuSeconds(p) ?? 0);
        var busy0 = ProcStats.MachineBusySeconds();
        var load = ProcStats.LoadAverage();
        var clock = Stopwatch.StartNew();
        using var process = ExternalProcess.Start(spec, line =>
        {
            client.OnLine(line);
            if (client.IsCompletionLine(line)) completedLine.TrySetResult();
            if (verbose) log($"    {client.Name} +{clock.Elapsed.TotalSeconds:0.000} s: {line}");
        });
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        long peakAnon = 0;
        int? programPid = null;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                programPid ??= ProcStats.Descendant(process.Pid, 2); // timeout -> time -> program
                if (programPid is { } pid && ProcStats.StatusKiB(pid, "RssAnon") is { } anon && anon > peakAnon) peakAnon = anon;
                try { await Task.Delay(100, sampling.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
        });

        string? error = null;
        double wall = 0;
        try
        {
            await client.AfterStartAsync(context, cancel).ConfigureAwait(false);
            var done = client.ExitsWhenComplete ? (Task)process.Exited : completedLine.Task;
            var finished = await Task.WhenAny(done, process.Exited, Task.Delay(timeout, cancel)).ConfigureAwait(false);
            wall = clock.Elapsed.TotalSeconds;
            cancel.ThrowIfCancellationRequested();
            if (finished != done)
                error = process.HasExited ? $"exited with code {process.Exited.Result} before completing" : $"not complete after {timeout.TotalSeconds:0} s";
            else if (client.ExitsWhenComplete && process.Exited.Result != 0)
                error = $"exited with code {process.Exited.Result}";
            if (!client.ExitsWhenComplete && !process.HasExited)
            {
                // transmission: let it flush and close its files.
                if ((programPid ?? ProcStats.Descendant(process.Pid, 2)) is { } pid) ProcStats.Signal(pid, SigTerm);
                if (await Task.WhenAny(process.Exited, Task.Delay(TimeSpan.FromSeconds(20), cancel)).ConfigureAwait(false) != process.Exited)
                    error ??= "did not exit within 20 s of SIGTERM";
            }
            else if (!process.HasExited)
            {
                await process.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            await Task.WhenAny(process.Exited, Task.Delay(TimeSpan.FromSeconds(10), cancel)).ConfigureAwait(false);
        }
        finally
        {
            sampling.Cancel();
            await sampler.ConfigureAwait(false);
        }
        var seederCpu = seederPids.Sum(p => ProcStats.CpuSeconds(p) ?? 0) - seederCpu0;
        var busy = ProcStats.MachineBusySeconds() - busy0;

        var (user, sys, maxRss) = ReadTime(timeFile);
        if (user < 0 && error is null) error = $"/usr/bin/time wrote no figures to {timeFile}";
        if (error is not null) log($"    {client.Name} FAILED: {error}\n{process.Describe()}");
        var other = Math.Max(0, busy - Math.Max(0, user + sys) - seederCpu);
        return new RunResult(@case, dataset, client.Name, bytes, wall, Math.Max(0, user), Math.Max(0, sys), maxRss, peakAnon,
            seederCpu, other, load, error is null, error);
    }

    /// <summary>Parses "user=1.23 sys=0.45 maxrss=123456 exit=0" (the last such line: time may print a notice first).</summary>
    private static (double User, double Sys, long MaxRssKiB) ReadTime(string path)
    {
        if (!File.Exists(path)) return (-1, -1, 0);
        var line = File.ReadAllLines(path).LastOrDefault(l => l.StartsWith("user=", StringComparison.Ordinal));
        if (line is null) return (-1, -1, 0);
        var fields = line.Split(' ').Select(f => f.Split('=')).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
        return (double.Parse(fields["user"], CultureInfo.InvariantCulture),
                double.Parse(fields["sys"], CultureInfo.InvariantCulture),
                long.Parse(fields["maxrss"], CultureInfo.InvariantCulture));
    }
}
