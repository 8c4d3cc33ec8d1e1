using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// A swarm of different clients: one slow libtorrent seeder, and our engine, rtorrent and ctorrent leeching at once
/// through opentracker. The seeder alone would take three times as long to serve the three, so the leechers trade
/// pieces; everyone ends byte-identical, and our engine has served the others while it leeched (reading files it was
/// still writing, which once looked like someone else's change to them).
/// </summary>
[Trait("Category", "Interop")]
public sealed class MixedSwarmInteropTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 180_000)]
    public async Task Our_engine_rtorrent_and_ctorrent_leech_together_from_a_slow_seeder_and_trade_pieces()
    {
        await using var swarm = await InteropSwarm.CreateAsync(output, "mixed", 16 * MiB + 999, 81, fileCount: 4, pieceLength: 64 * 1024, withTracker: true);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new LibtorrentOptions { UploadLimit = 2 * MiB, Host = "127.0.0.2" });
        await seeder.WaitUntilSeedingAsync(Bound);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Bound);
        await using var rtorrent = await RtorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("rtorrent"));
        await using var ctorrent = await CtorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("ctorrent"));
        swarm.Mark("seeder, rtorrent and ctorrent started");

        // An address of its own: rtorrent keeps one connection per address, and ctorrent dials it from 127.0.0.1.
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(swarm.Tmp.Sub("state")) with { ListenOn = new IPEndPoint(IPAddress.Parse("127.0.0.5"), 0) });
        var handle = await engine.AddAsync(swarm.Torrent.TorrentPath, swarm.Tmp.Sub("engine"));
        var lost = new System.Collections.Concurrent.ConcurrentQueue<DataLost>();
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in handle.Events().WithCancellation(stop.Token))
                if (e is DataLost d) lost.Enqueue(d);
        });
        var traded = new Dictionary<string, (long Down, long Up)>();
        var deadline = DateTime.UtcNow + Bound;
        while ((await handle.GetStatusAsync()).State != TorrentState.Seeding || !rtorrent.Progress.Equals(1) || !ctorrent.Progress.Equals(1))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not all done within {Bound.TotalSeconds} s: ours {(await handle.GetStatusAsync()).State}, rtorrent {rtorrent.ProgressText}, ctorrent {ctorrent.ProgressText}");
            foreach (var peer in await handle.GetPeersAsync())
            {
                var name = $"{peer.EndPoint.Address} {peer.Client ?? peer.PeerId}"; // the leechers have addresses of their own
                var (down, up) = traded.GetValueOrDefault(name);
                traded[name] = (Math.Max(down, peer.Downloaded), Math.Max(up, peer.Uploaded));
            }
            await Task.Delay(200);
        }
        swarm.Mark("all three complete");
        await stop.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);
        // Uploading from files it was still writing, the engine never took its own writes for someone else's change.
        Assert.True(lost.IsEmpty, "data reported lost: " + string.Join("; ", lost));
        foreach (var (name, (down, up)) in traded) swarm.Mark($"  {name}: we received {down} B, sent {up} B");

        await rtorrent.WaitForCompletionAsync(TimeSpan.FromSeconds(10));
        await ctorrent.WaitForCompletionAsync(TimeSpan.FromSeconds(10));
        DirectoryComparer.AssertIdentical(swarm.Data.Root, Path.Combine(swarm.Tmp.Sub("engine"), swarm.Torrent.Name));
        DirectoryComparer.AssertIdentical(swarm.Data.Root, rtorrent.DataPath);
        DirectoryComparer.AssertIdentical(swarm.Data.Root, ctorrent.DataPath);
        var toLeechers = traded.Where(t => t.Key.StartsWith(rtorrent.Address + " ", StringComparison.Ordinal) || t.Key.StartsWith(ctorrent.Address + " ", StringComparison.Ordinal)).Sum(t => t.Value.Up);
        Assert.True(toLeechers > 0, "our engine sent nothing to rtorrent or ctorrent while it leeched");
    }
}
