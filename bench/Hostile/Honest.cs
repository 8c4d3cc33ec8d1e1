using System.Diagnostics;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Bench.Hostile;

/// <summary>An honest downloader: keeps 16 requests in flight and counts the blocks answered per second.</summary>
internal static class Honest
{
    /// <summary>Connects (bounded retries: a refused connection is tried again), then measures for <paramref name="window"/>.</summary>
    public static async Task<(double Rate, TimeSpan ToFirstBlock)> MeasureAsync(IPEndPoint engine, InfoHash hash, TorrentLayout layout, TimeSpan window,
        IPAddress? from = null, TimeSpan? giveUp = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = giveUp ?? TimeSpan.FromSeconds(120);
        while (clock.Elapsed < limit)
        {
            Peer peer;
            try { peer = await Peer.ConnectAsync(engine, hash, from ?? Lab.NewHost()); }
            catch (Exception) { await Task.Delay(200); continue; }
            using (peer)
            {
                await peer.SendAsync(Interested.Instance);
                var unchoked = false;
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                while (!unchoked && DateTime.UtcNow < deadline)
                {
                    var m = await peer.ReceiveAsync(TimeSpan.FromSeconds(10));
                    if (m is null) break;
                    unchoked = m is Unchoke;
                }
                if (!unchoked) { await Task.Delay(200); continue; }
                var random = new Random(7);
                BlockRequest Next() => layout.Block(random.Next(layout.PieceCount), 0);
                for (var i = 0; i < 16; i++) { var b = Next(); await peer.SendAsync(new Request(b.Piece, b.Offset, b.Length)); }
                var first = TimeSpan.Zero;
                var blocks = 0;
                Stopwatch? measuring = null;
                while (measuring is null || measuring.Elapsed < window)
                {
                    var m = await peer.ReceiveAsync(TimeSpan.FromSeconds(10));
                    if (m is null) break;
                    if (m is not PieceMessage p) continue;
                    p.Data.Release();
                    if (measuring is null) { first = clock.Elapsed; measuring = Stopwatch.StartNew(); }
                    else blocks++;
                    var b = Next();
                    await peer.SendAsync(new Request(b.Piece, b.Offset, b.Length));
                }
                if (measuring is not null) return (blocks / measuring.Elapsed.TotalSeconds, first);
            }
        }
        return (0, limit);
    }
}
