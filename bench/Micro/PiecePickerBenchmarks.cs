using BenchmarkDotNet.Attributes;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Events;
using Engine.Pieces;

namespace Engine.Bench.Micro;

/// <summary>
/// <see cref="PiecePicker"/> over a whole simulated download: 10 000 pieces of 256 KiB (160 000 blocks), 50 peers
/// (10 seeders, 40 with 50–95 % of the pieces). Peers are served round-robin: each delivers up to 8 of its oldest
/// outstanding blocks (<see cref="PiecePicker.BlockReceived"/>, <see cref="PiecePicker.PieceVerified"/> when a piece
/// completes) and then tops its pipeline up to 64 blocks with <see cref="PiecePicker.Pick"/>. Runs until the picker
/// is complete, endgame included. The reported time is per block (OperationsPerInvoke = block count).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class PiecePickerBenchmarks
{
    private const int PieceCount = 10_000;
    private const int PieceLength = 256 * 1024;
    private const int PeerCount = 50;
    private const int Pipeline = 64;
    private const int DeliverPerTurn = 8;
    private const int TotalBlocks = PieceCount * (PieceLength / TorrentLayout.BlockSize);

    private readonly TorrentLayout _layout = new((long)PieceCount * PieceLength, PieceLength);
    private readonly Queue<BlockRequest>[] _outstanding = new Queue<BlockRequest>[PeerCount];
    private Bitfield[] _has = [];
    private PiecePicker _picker = null!;

    [IterationSetup]
    public void Setup()
    {
        var random = new Random(11);
        _has = new Bitfield[PeerCount];
        for (var p = 0; p < PeerCount; p++)
        {
            var has = new Bitfield(PieceCount);
            if (p < 10) has.SetAll();
            else
            {
                var density = 0.5 + random.NextDouble() * 0.45;
                for (var i = 0; i < PieceCount; i++)
                    if (random.NextDouble() < density) has[i] = true;
            }
            _has[p] = has;
            _outstanding[p] = new Queue<BlockRequest>(Pipeline);
        }
        _picker = new PiecePicker(_layout, new Bitfield(PieceCount), new Random(1));
        for (var p = 0; p < PeerCount; p++) _picker.PeerAdded(p, _has[p]);
    }

    [Benchmark(OperationsPerInvoke = TotalBlocks)]
    public int WholeDownload()
    {
        Span<BlockRequest> picked = stackalloc BlockRequest[Pipeline];
        var received = 0;
        for (var turn = 0; !_picker.IsComplete; turn++)
        {
            if (turn > 50_000_000) throw new InvalidOperationException("simulated download does not finish");
            var p = turn % PeerCount;
            var queue = _outstanding[p];
            for (var i = 0; i < DeliverPerTurn && queue.Count > 0; i++)
            {
                var block = queue.Dequeue();
                var result = _picker.BlockReceived(p, block);
                if (!result.Expected) continue;
                received++;
                if (result.PieceComplete) _picker.PieceVerified(block.Piece);
            }
            var need = Pipeline - queue.Count;
            if (need <= 0) continue;
            var n = _picker.Pick(p, _has[p], picked[..need]);
            for (var i = 0; i < n; i++) queue.Enqueue(picked[i]);
        }
        if (received != TotalBlocks) throw new InvalidOperationException($"received {received} of {TotalBlocks} blocks");
        return received;
    }
}
