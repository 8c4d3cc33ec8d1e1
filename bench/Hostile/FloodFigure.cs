using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Runtime;

namespace Engine.Bench.Hostile;

/// <summary>
/// An honest peer's service (blocks answered per second, and for one connecting during the flood the time to its first
/// block) before and during each flood against a seeding engine: handshake slowloris, garbage, idle handshaked
/// connections from one host and from many, violating connections.
/// </summary>
internal static class FloodFigure
{
    public static async Task RunAsync(TimeSpan window)
    {
        using var content = new Content("flood", 16L * 1024 * 1024, 256 * 1024);
        Console.WriteLine($"honest service during floods ({window.TotalSeconds:0} s windows; blocks of 16 KiB answered per second):");
        foreach (var (name, attack, transports) in Floods())
        {
            await using var engine = EngineSystem.Start(new EngineOptions
            {
                ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
                ResumeDirectory = content.NewDirectory("resume-" + name),
                // The transport floods need incoming uTP and MSE accepted (plain BitTorrent too, for the honest peer).
                Utp = transports ? Utp.UtpDialOrder.TcpFirst : Utp.UtpDialOrder.Off,
                Encryption = transports ? new Transports.MsePolicy(true, true, Engine.Core.Encryption.MseCrypto.None, false) : Transports.MsePolicy.Off,
            }, "flood");
            var endPoint = (await engine.ListenEndPointAsync())!;
            var torrent = await engine.AddAsync(content.Metainfo, content.SeedDirectory);
            while ((await EngineSystem.StatusAsync(torrent)).State != Events.TorrentState.Seeding) await Task.Delay(50);
            var layout = content.Metainfo.Layout;
            var before = await Honest.MeasureAsync(endPoint, content.Metainfo.InfoHash, layout, window);
            var (heapBefore, rssBefore) = Memory();
            using var stop = new CancellationTokenSource();
            var flooding = Task.Run(() => attack(endPoint, content, stop.Token));
            await Task.Delay(TimeSpan.FromSeconds(1));
            var during = await Honest.MeasureAsync(endPoint, content.Metainfo.InfoHash, layout, window);
            var peers = await engine.System.ActorSelection(torrent.Path / "peers")
                .Ask<PeerManager.ConnectionCount>(new PeerManager.GetConnectionCount(), TimeSpan.FromSeconds(5));
            var (heapDuring, rssDuring) = (GC.GetTotalMemory(false) / 1048576.0, Lab.RssMiB());
            stop.Cancel();
            var attackers = await flooding;
            await Task.Delay(TimeSpan.FromSeconds(5)); // what the flood left queued (datagrams in the socket's buffer) is handled
            var (heapAfter, rssAfter) = Memory();
            Console.WriteLine($"  {name,-44} before {before.Rate,7:N0}/s   during {during.Rate,7:N0}/s, first block after {during.ToFirstBlock.TotalSeconds,5:0.0} s" +
                              $"   ({attackers}; torrent connections {peers.Torrent}, bans {peers.Bans})");
            Console.WriteLine($"  {"",-44} heap {heapBefore:0.0} MiB before, {heapDuring:0.0} at the flood's end (uncollected), {heapAfter:0.0} 5 s after;" +
                              $" RSS {rssBefore:0} / {rssDuring:0} / {rssAfter:0} MiB");
        }
    }

    /// <summary>The managed heap after a full collection and this process's RSS, MiB.</summary>
    private static (double Heap, double Rss) Memory() => (GC.GetTotalMemory(true) / 1048576.0, Lab.RssMiB());

    private delegate Task<string> Attack(IPEndPoint engine, Content content, CancellationToken stop);

    private static IEnumerable<(string, Attack, bool Transports)> Floods() =>
    [
        ("slowloris: 64 x 1 byte from 127.0.0.1, kept up", Slowloris, false),
        ("garbage (HTTP requests), 4 loops", Garbage, false),
        ("60 idle handshaked peers from one host", (e, c, s) => IdlePeers(e, c, s, oneHost: true), false),
        ("60 idle handshaked peers from 60 hosts", (e, c, s) => IdlePeers(e, c, s, oneHost: false), false),
        ("violating connections (bad have), 4 loops", Violations, false),
        ("uTP: random datagrams, 2 loops", TransportFloods.UtpGarbage, true),
        ("uTP: SYNs from many hosts, never followed", TransportFloods.UtpSyns, true),
        ("MSE: 200 handshakes stalled after the key", TransportFloods.MseStalled, true),
        ("MSE: garbage after the key, 200 at a time", TransportFloods.MseGarbage, true),
    ];

    private static async Task<string> Slowloris(IPEndPoint engine, Content content, CancellationToken stop)
        => $"{await HeldConnections.HoldAsync(engine, 64, () => [19], () => null, TimeSpan.FromMilliseconds(50), stop)} slowloris connections opened";

    private static async Task<string> Garbage(IPEndPoint engine, Content content, CancellationToken stop)
    {
        var count = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var s = await Lab.ConnectAsync(engine);
                    await s.SendAsync(Encoding.ASCII.GetBytes("GET /announce HTTP/1.1\r\nHost: x\r\n\r\n"));
                    var buf = new byte[64];
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                    Interlocked.Increment(ref count);
                }
                catch (Exception) { }
            }
        })));
        return $"{count} garbage connections";
    }

    private static async Task<string> IdlePeers(IPEndPoint engine, Content content, CancellationToken stop, bool oneHost)
    {
        var host = Lab.NewHost();
        var peers = new List<Peer>();
        var refused = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                while (peers.Count < 60 && !stop.IsCancellationRequested)
                {
                    try { peers.Add(await Peer.ConnectAsync(engine, content.Metainfo.InfoHash, oneHost ? host : Lab.NewHost())); }
                    catch (Exception) { refused++; break; }
                }
                foreach (var p in peers.ToList())
                {
                    try { await p.SendAsync(KeepAlive.Instance); }
                    catch (Exception) { p.Dispose(); peers.Remove(p); }
                }
                await Task.Delay(1000, stop).ContinueWith(_ => { });
            }
        }
        finally { foreach (var p in peers) p.Dispose(); }
        return $"{refused} attacker connections refused";
    }

    private static async Task<string> Violations(IPEndPoint engine, Content content, CancellationToken stop)
    {
        var count = 0;
        var bad = MessageWriter.Encode(new Have(content.Metainfo.PieceCount + 1));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var p = await Peer.ConnectAsync(engine, content.Metainfo.InfoHash);
                    await p.SendRawAsync(bad);
                    await p.WaitClosedAsync(TimeSpan.FromSeconds(5));
                    Interlocked.Increment(ref count);
                }
                catch (Exception) { }
            }
        })));
        return $"{count} violating connections";
    }
}
