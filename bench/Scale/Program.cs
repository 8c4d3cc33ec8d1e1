using System.Diagnostics;
using System.Globalization;
using System.Net;
using Engine.Api;
using Engine.Bench.Idle;
using Engine.Tests.Interop;

namespace Engine.Bench.Scale;

/// <summary>
/// Scale benchmark (issue 20): many torrents and many peers at once. 20 torrents (128 MiB each by default), each with
/// 25 python3-libtorrent peers (5 processes × 5 sessions, every session holding every torrent: 500 connections), and
/// our engine — a <see cref="TorrentEngine"/> in this process — first leeching all 20 from the libtorrent seeders,
/// then seeding them to as many libtorrent leechers for --up-seconds. Meanwhile every actor's mailbox depth (and the
/// storage and outbound work queues) is sampled every --interval-ms; the report gives max and percentiles per kind of
/// actor and whether any kept growing, with the aggregate MB/s, CPU-seconds, RSS and GC counts.
/// --pin: libtorrent on CPU 0, this process on CPU 1 (taskset), as bench/run.sh's leech benchmark.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ScaleOptions o;
        try { o = ScaleOptions.Parse(args); }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"error: {e.Message}\n{ScaleOptions.Usage}");
            return 2;
        }
        if (!File.Exists("/usr/bin/python3")) { Console.Error.WriteLine("/usr/bin/python3 is missing: apt-get install python3-libtorrent"); return 1; }
        if (o.Pin) Pin(Environment.ProcessId, 1);

        using var dir = new TempDir("bench-scale");
        if (o.Keep) Console.WriteLine($"[scale] keeping {dir.FullPath}");
        var clock = Stopwatch.StartNew();
        var torrents = Path.Combine(dir.FullPath, "torrents");
        Directory.CreateDirectory(torrents);
        var pieceLength = o.PieceKiB * 1024;
        for (var i = 0; i < o.Torrents; i++)
        {
            var t = TorrentFactory.CreateSeeded(dir, $"scale-{i:D2}", o.SizeMiB * 1048576L, fileCount: 2, pieceLength: pieceLength, contentSeed: 1000 + i);
            File.Move(t.TorrentPath, Path.Combine(torrents, Path.GetFileName(t.TorrentPath)));
        }
        var seedData = Path.Combine(dir.FullPath, "seed");
        Console.WriteLine($"[scale] {o.Torrents} torrents × {o.SizeMiB} MiB made in {clock.Elapsed.TotalSeconds:F0} s");

        var phases = new List<PhaseResult>();
        var interval = TimeSpan.FromMilliseconds(o.IntervalMs);
        var timeout = TimeSpan.FromSeconds(o.TimeoutSeconds);
        var sessions = o.PeersPerTorrent;
        var options = new TorrentEngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
            StateDirectory = Path.Combine(dir.FullPath, "state"),
            MaxConnections = Math.Max(500, o.Torrents * o.PeersPerTorrent),
            MaxConnectionsPerTorrent = Math.Max(50, o.PeersPerTorrent),
            Dht = false, Lsd = false, PortMapping = false, Utp = UtpMode.Disabled,
        };
        using var system = o.PoolRoot ? PoolRootSystem() : null;
        await using var engine = system is null ? TorrentEngine.Create(options) : TorrentEngine.Attach(system, options);
        if (engine.Root is Akka.Actor.ActorRefWithCell root)
            Console.WriteLine($"[scale] the engine's root actor runs on '{root.Underlying.Props.Dispatcher}'");
        var handles = new List<TorrentHandle>();
        try
        {
            if (o.Down)
            {
                using var seeders = await LtSwarm.StartAsync("seed", torrents, seedData, sessions, o.SessionsPerProcess, null, o.Pin, TimeSpan.FromMinutes(2));
                Console.WriteLine($"[scale] {sessions} libtorrent seeders in {o.Processes} processes ready; ours leeching {o.Torrents} torrents from them");
                async Task<IReadOnlyList<TorrentHandle>> AddAll()
                {
                    foreach (var file in Directory.EnumerateFiles(torrents).Order(StringComparer.Ordinal))
                    {
                        var h = await engine.AddAsync(file, Path.Combine(dir.FullPath, "ours"));
                        h.AddPeers(seeders.Peers);
                        handles.Add(h);
                    }
                    return handles;
                }
                var down = await ScaleRun.MeasureAsync($"Ours leeching {o.Torrents} torrents from {sessions} libtorrent seeders each", engine, AddAll, fromZero: true, seeders,
                    interval, s => s.Downloaded, (_, ss) => ss.All(s => s.IsComplete), timeout, untilFirstComplete: true);
                phases.Add(down);
                Console.WriteLine($"[scale] down: {down.MBps:F1} MB/s, {down.Seconds:F1} s{(down.Ok ? "" : ", FAILED: " + down.Error)}");
            }
            if (o.Up)
            {
                if (handles.Count == 0)
                    foreach (var file in Directory.EnumerateFiles(torrents).Order(StringComparer.Ordinal))
                        handles.Add(await engine.AddAsync(file, seedData));
                await WaitSeedingAsync(handles, timeout);
                var leechers = await LtSwarm.StartAsync("leech", torrents, Path.Combine(dir.FullPath, "leechers"), sessions, o.SessionsPerProcess,
                    engine.ListenEndPoint, o.Pin, TimeSpan.FromMinutes(2));
                using (leechers)
                {
                    Console.WriteLine($"[scale] {sessions} libtorrent leechers in {o.Processes} processes ready; ours seeding {o.Torrents} torrents to them for {o.UpSeconds} s");
                    var up = await ScaleRun.MeasureAsync($"Ours seeding {o.Torrents} torrents to {sessions} libtorrent leechers each ({o.UpSeconds} s)", engine, () => Task.FromResult<IReadOnlyList<TorrentHandle>>(handles), fromZero: false, leechers,
                        interval, s => s.Uploaded, (seconds, _) => seconds >= o.UpSeconds, timeout, untilFirstComplete: false);
                    phases.Add(up);
                    Console.WriteLine($"[scale] up: {up.MBps:F1} MB/s, {up.Seconds:F1} s{(up.Ok ? "" : ", FAILED: " + up.Error)}");
                }
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"[scale] FAILED: {e.Message}");
            return 1;
        }

        var conditions = string.Create(CultureInfo.InvariantCulture,
            $"Scale benchmark, {DateTime.Now:yyyy-MM-dd HH:mm}: {o.Torrents} torrents × {o.SizeMiB} MiB ({o.PieceKiB} KiB pieces), {o.PeersPerTorrent} libtorrent peers per torrent " +
            $"({o.Processes} processes × {o.SessionsPerProcess} sessions, each session in every torrent), ours = TorrentEngine in the bench process (JIT), " +
            $"mailboxes sampled every {o.IntervalMs} ms{(o.PoolRoot ? "; the engine's root actor on the default dispatcher (--pool-root)" : "")}{(o.Pin ? "; pinned: libtorrent on CPU 0, ours on CPU 1" : "; not pinned")}");
        var report = ScaleReport.Build(conditions, phases);
        Console.WriteLine();
        Console.WriteLine(report);
        if (o.ReportPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(o.ReportPath)!);
            await File.WriteAllTextAsync(o.ReportPath, report);
            await File.WriteAllTextAsync(Path.ChangeExtension(o.ReportPath, ".csv"), ScaleReport.Series(phases));
        }
        if (o.Keep) GC.KeepAlive(dir); // TempDir deletes on dispose; --keep only prints where it was while running
        return phases.All(p => p.Ok) ? 0 : 1;
    }

    private static async Task WaitSeedingAsync(IReadOnlyList<TorrentHandle> handles, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seeding = 0;
            foreach (var h in handles)
                if ((await h.GetStatusAsync()).State == Events.TorrentState.Seeding) seeding++;
            if (seeding == handles.Count) return;
            if (clock.Elapsed > timeout) throw new TimeoutException($"only {seeding} of {handles.Count} torrents seeding");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// An ActorSystem with the engine's settings in which the engine's root actor (/user/torrent-engine-1) runs on the
    /// default dispatcher, the .NET thread pool, as before it had a thread of its own (Akka deployment config overrides
    /// the props): to compare, the root stalled seconds under a connection storm that way (docs/performance.md).
    /// </summary>
    private static Akka.Actor.ActorSystem PoolRootSystem()
    {
        var hocon = """
            akka.actor.deployment { "/torrent-engine-1" { dispatcher = akka.actor.default-dispatcher } }
            """;
        var config = Akka.Configuration.ConfigurationFactory.ParseString(hocon).WithFallback(Akka.Configuration.ConfigurationFactory.ParseString(Runtime.EngineSystem.DefaultHocon));
        return Akka.Actor.ActorSystem.Create("scale", config);
    }

    /// <summary>Every thread of <paramref name="pid"/> on <paramref name="cpu"/> (taskset -a; threads made later inherit it).</summary>
    private static void Pin(int pid, int cpu)
    {
        using var p = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpu.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, UseShellExecute = false });
        p?.WaitForExit(5000);
    }
}
