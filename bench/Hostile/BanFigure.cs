using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Runtime;

namespace Engine.Bench.Hostile;

/// <summary>
/// Violating connections against a seeding engine, each from an address of its own (127.x.y.z lab hosts: every one is
/// a new ban, the worst case for the ban list): per 10 000, the accept rate (connections handled per second), the ban
/// list's size and this process's RSS.
/// </summary>
internal static class BanFigure
{
    public static async Task RunAsync(int total, int workers)
    {
        using var content = new Content("bans", 1024 * 1024, 32 * 1024);
        await using var engine = EngineSystem.Start(new EngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
            ResumeDirectory = content.NewDirectory("resume"),
        }, "bans");
        var endPoint = (await engine.ListenEndPointAsync())!;
        var torrent = await engine.AddAsync(content.Metainfo, content.SeedDirectory);
        while ((await EngineSystem.StatusAsync(torrent)).State != Events.TorrentState.Seeding) await Task.Delay(50);
        var peers = engine.System.ActorSelection(torrent.Path / "peers");
        var bad = MessageWriter.Encode(new Have(content.Metainfo.PieceCount + 1));
        Console.WriteLine($"violating connections ({workers} at a time, each from a new address):");
        Console.WriteLine("       done   conn/s   bans   RSS MiB");
        var done = 0;
        var failed = 0;
        var reasons = new Dictionary<string, int>();
        var window = Stopwatch.StartNew();
        for (var block = 0; block < total / 10_000; block++)
        {
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) <= 10_000)
                {
                    try
                    {
                        using var p = await Peer.ConnectAsync(endPoint, content.Metainfo.InfoHash, Lab.NewHost());
                        await p.SendRawAsync(bad);
                        await p.WaitClosedAsync(TimeSpan.FromSeconds(5));
                    }
                    catch (Exception e)
                    {
                        Interlocked.Increment(ref failed);
                        lock (reasons) reasons[e.Message] = reasons.GetValueOrDefault(e.Message) + 1;
                    }
                }
            })));
            done += 10_000;
            var rate = 10_000 / window.Elapsed.TotalSeconds;
            window.Restart();
            var count = await peers.Ask<PeerManager.ConnectionCount>(new PeerManager.GetConnectionCount(), TimeSpan.FromSeconds(10));
            Console.WriteLine($"    {done,7:N0}   {rate,6:N0}   {count.Bans,5:N0}   {Lab.RssMiB(),6:0}");
        }
        Console.WriteLine($"    ({failed} refused before their handshake was answered{(failed == 0 ? "" : ": " + string.Join("; ", reasons.OrderByDescending(r => r.Value).Take(3).Select(r => $"{r.Value} {r.Key}")))})");
        var (honest, _) = await Honest.MeasureAsync(endPoint, content.Metainfo.InfoHash, content.Metainfo.Layout, TimeSpan.FromSeconds(3));
        Console.WriteLine($"    an honest peer afterwards: {honest:N0} blocks/s");
    }
}
