using System.Diagnostics;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Xunit.Abstractions;

namespace Engine.Tests.Core.Pieces;

public class PiecePickerPerformanceTests(ITestOutputHelper output)
{
    private readonly record struct Stats(long Picked, long Calls, double PickNsPerBlock, double NormalNsPerBlock, long EndgameBlocks, double LoopNsPerBlock);

    /// <summary>
    /// A whole download of 256 KiB pieces (16 blocks) from peers with random bitfields: every peer keeps a
    /// 64-block pipeline topped up and delivers 4 blocks per round, until the torrent completes.
    /// </summary>
    private static Stats Run(int pieces, int peers, Func<int, Random, double> density)
    {
        const int pipeline = 64;
        var layout = new TorrentLayout((long)pieces * 256 * 1024, 256 * 1024);
        var random = new Random(42);
        var picker = new PiecePicker(layout, new Bitfield(pieces), new Random(43));
        var fields = new Bitfield[peers];
        for (var p = 0; p < peers; p++)
        {
            var field = new Bitfield(pieces);
            var d = density(p, random);
            for (var i = 0; i < pieces; i++) field[i] = random.NextDouble() < d;
            fields[p] = field;
            picker.PeerAdded(p, field);
        }
        var queues = new Queue<BlockRequest>[peers];
        for (var p = 0; p < peers; p++) queues[p] = new Queue<BlockRequest>();
        var buffer = new BlockRequest[pipeline];
        long pickTicks = 0, picked = 0, calls = 0, endgameTicks = 0, endgamePicked = 0;
        var total = Stopwatch.StartNew();
        var rounds = 0;
        while (!picker.IsComplete)
        {
            Assert.True(++rounds < 1_000_000, "the download did not finish");
            for (var p = 0; p < peers; p++)
            {
                var queue = queues[p];
                var want = pipeline - queue.Count;
                if (want > 0)
                {
                    var endgame = picker.InEndgame;
                    var start = Stopwatch.GetTimestamp();
                    var n = picker.Pick(p, fields[p], buffer.AsSpan(0, want));
                    var ticks = Stopwatch.GetTimestamp() - start;
                    pickTicks += ticks;
                    picked += n;
                    calls++;
                    if (endgame) { endgameTicks += ticks; endgamePicked += n; }
                    for (var i = 0; i < n; i++) queue.Enqueue(buffer[i]);
                }
                for (var k = 0; k < 4 && queue.Count > 0; k++)
                {
                    var block = queue.Dequeue();
                    var result = picker.BlockReceived(p, block);
                    if (result.PieceComplete) picker.PieceVerified(block.Piece);
                    foreach (var other in result.CancelAt)
                    {
                        var q = queues[other];
                        for (var c = q.Count; c > 0; c--) { var b = q.Dequeue(); if (b != block) q.Enqueue(b); }
                    }
                }
            }
        }
        total.Stop();
        double Ns(long ticks, long blocks) => ticks * 1e9 / Stopwatch.Frequency / Math.Max(1, blocks);
        return new Stats(picked, calls, Ns(pickTicks, picked), Ns(pickTicks - endgameTicks, picked - endgamePicked),
            endgamePicked, total.Elapsed.TotalNanoseconds / picked);
    }

    private string Report(string name, Stats s)
    {
        var message = $"{name}: {s.Picked} blocks picked in {s.Calls} Pick calls: {s.PickNsPerBlock:F0} ns/block "
            + $"({s.NormalNsPerBlock:F0} before endgame, {s.EndgameBlocks} endgame duplicates); whole loop {s.LoopNsPerBlock:F0} ns/block";
        output.WriteLine(message);
        Console.WriteLine(message);
        return message;
    }

    [Fact]
    public void Picking_at_ten_thousand_pieces_and_fifty_peers_costs_about_a_microsecond_per_block_or_less()
    {
        Run(1000, 20, (_, r) => r.NextDouble()); // warm-up: let the JIT reach optimised code
        // Best of three runs: the machine is shared, and the minimum is the least disturbed figure.
        static Stats Best(Func<Stats> run) => Enumerable.Range(0, 3).Select(_ => run()).MinBy(s => s.PickNsPerBlock);
        var dense = Best(() => Run(10_000, 50, (_, r) => 0.3 + 0.7 * r.NextDouble()));
        var denseMessage = Report("10 000 pieces x 50 peers, peers 30-100 % complete", dense);
        var sparse = Best(() => Run(10_000, 50, (p, r) => p == 0 ? 1.0 : 0.02 + 0.1 * r.NextDouble()));
        var sparseMessage = Report("10 000 pieces x 50 peers, one seed and 49 peers 2-12 % complete", sparse);
        // Generous bounds: the machine is shared; the figures above are what matters.
        Assert.True(dense.PickNsPerBlock < 20_000, denseMessage);
        Assert.True(sparse.PickNsPerBlock < 40_000, sparseMessage);
    }
}
