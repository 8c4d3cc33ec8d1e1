using System.Diagnostics;
using System.Net;
using Engine.Api;
using Engine.Events;

namespace Engine.Bench.Hostile;

/// <summary>
/// Time to finish a download from two honest seeds (our engine, each limited to <c>limit</c>), with and without a third
/// seed that answers with random bytes; every party on its own lab address (bans cover the address). Median of runs.
/// </summary>
internal static class SmartBanFigure
{
    public static async Task RunAsync(int runs, long size, int pieceLength, int limit)
    {
        using var content = new Content("film", size, pieceLength);
        Console.WriteLine($"smart ban: {size / 1024 / 1024} MiB in {pieceLength / 1024} KiB pieces, 2 honest seeds at {limit / 1024} KiB/s each, {runs} runs");
        foreach (var withLiar in new[] { false, true })
        {
            var times = new List<double>();
            var notes = new List<string>();
            for (var run = 0; run < runs; run++)
            {
                var (seconds, note) = await OneAsync(content, withLiar, limit, run);
                times.Add(seconds);
                notes.Add(note);
            }
            times.Sort();
            Console.WriteLine($"  {(withLiar ? "with a liar" : "clean swarm"),-12} median {times[times.Count / 2]:0.0} s  (runs: {string.Join(", ", times.Select(t => t.ToString("0.0")))} s)");
            foreach (var n in notes.Distinct()) Console.WriteLine($"      {n}");
        }
    }

    private static async Task<(double Seconds, string Note)> OneAsync(Content content, bool withLiar, int limit, int run)
    {
        var state = content.NewDirectory($"state-{withLiar}-{run}");
        TorrentEngine Engine(string name, IPAddress host, long? upload) => TorrentEngine.Create(new TorrentEngineOptions
        {
            ListenOn = new IPEndPoint(host, 0),
            StateDirectory = Path.Combine(state, name),
            UploadLimit = upload,
        });
        var hosts = new[] { Lab.NewHost(), Lab.NewHost(), Lab.NewHost(), Lab.NewHost() };
        await using var honest1 = Engine("honest1", hosts[0], limit);
        await using var honest2 = Engine("honest2", hosts[1], limit);
        foreach (var e in new[] { honest1, honest2 })
        {
            var h = await e.AddAsync(content.Bytes, content.SeedDirectory);
            while ((await h.GetStatusAsync()).State != TorrentState.Seeding) await Task.Delay(50);
        }
        using var liar = withLiar ? new LiarSeed(hosts[2], content.Metainfo.InfoHash) : null;
        await using var me = Engine("me", hosts[3], null);
        var download = await me.AddAsync(content.Bytes, content.NewDirectory($"dl-{withLiar}-{run}"));
        var banned = new List<string>();
        var completed = new TaskCompletionSource();
        using var sub = download.AsObservable().Subscribe(new Observer(e =>
        {
            if (e is PeerDropped d && d.Reason.StartsWith("banned:", StringComparison.Ordinal))
                lock (banned) banned.Add(d.EndPoint.Address.Equals(hosts[2]) ? "the liar" : "an honest seed (!)");
            if (e is Completed) completed.TrySetResult();
        }));
        var clock = Stopwatch.StartNew();
        download.AddPeers([honest1.ListenEndPoint!, honest2.ListenEndPoint!, .. liar is null ? Array.Empty<IPEndPoint>() : [liar.EndPoint]]);
        if (await Task.WhenAny(completed.Task, Task.Delay(TimeSpan.FromMinutes(5))) != completed.Task)
            return (double.NaN, "did not complete within 5 min");
        var seconds = clock.Elapsed.TotalSeconds;
        var status = await download.GetStatusAsync();
        lock (banned)
            return (seconds, $"banned: {(banned.Count == 0 ? "nobody" : string.Join(", ", banned.Distinct()))}; hash failures {status.HashFailures}; liar served {liar?.BlocksServed ?? 0} blocks");
    }

    private sealed class Observer(Action<TorrentEvent> next) : IObserver<TorrentEvent>
    {
        public void OnNext(TorrentEvent value) => next(value);
        public void OnError(Exception error) { }
        public void OnCompleted() { }
    }
}
