using System.Diagnostics;
using System.Net;
using Engine.Api;
using Engine.Events;

namespace Engine.Bench.Idle;

/// <summary>
/// The child process measured as "ours": one <see cref="TorrentEngine"/> listening on 127.0.0.1, every .torrent of
/// the data set added (its data checked, no fast-resume state), waits until all are seeding, prints
/// <c>ready &lt;seconds&gt; &lt;count&gt;</c>, then idles until stdin closes; then stops the engine.
/// </summary>
public static class EngineServer
{
    public static async Task<int> RunAsync(string torrentDirectory, string saveDirectory, string stateDirectory, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var options = new TorrentEngineOptions { ListenOn = new IPEndPoint(IPAddress.Loopback, 0), StateDirectory = stateDirectory };
        await using var engine = TorrentEngine.Create(options);
        var handles = new List<TorrentHandle>();
        foreach (var file in Directory.EnumerateFiles(torrentDirectory, "*.torrent").Order(StringComparer.Ordinal))
            handles.Add(await engine.AddAsync(file, saveDirectory));

        while (true)
        {
            var seeding = 0;
            foreach (var h in handles)
            {
                var s = await h.GetStatusAsync();
                if (s.State == TorrentState.Error) { Console.Error.WriteLine($"{h.Name}: {s.Error}"); return 1; }
                if (s.State == TorrentState.Seeding) seeding++;
            }
            if (seeding == handles.Count) break;
            if (clock.Elapsed > timeout) { Console.Error.WriteLine($"only {seeding} of {handles.Count} torrents seeding after {timeout.TotalSeconds:F0} s"); return 1; }
            await Task.Delay(200);
        }
        Console.WriteLine($"ready {clock.Elapsed.TotalSeconds:F2} {handles.Count}");

        // Idle: nothing polls the engine from here on (the parent reads /proc).
        await Task.Run(() => { while (Console.In.ReadLine() is not null) { } });
        await engine.StopAsync();
        return 0;
    }
}
