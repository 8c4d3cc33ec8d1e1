using BenchmarkDotNet.Attributes;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Bench.Micro;

/// <summary>
/// <see cref="FrameDecoder"/> on a download-shaped stream: 256 piece frames of 16 KiB (4 MiB of payload) with a
/// <c>have</c> after every 16 pieces, fed in chunks of <see cref="ChunkSize"/> bytes (PeerInbound reads up to 64 KiB).
/// Each decoded block goes back to the pool, as storage would release it. MB/s counts all bytes fed.
/// </summary>
[MemoryDiagnoser]
public class FrameDecoderBenchmarks : IThroughputBenchmark
{
    private const int Pieces = 256;
    private byte[] _stream = [];
    private FrameDecoder _decoder = null!;
    private readonly List<PeerMessage> _output = new(64);

    [Params(4096, 65536)]
    public int ChunkSize { get; set; }

    public long? BytesPerOperation(string method) => StreamLength;

    private static int StreamLength => Pieces * (13 + TorrentLayout.BlockSize) + Pieces / 16 * 9;

    [GlobalSetup]
    public void Setup()
    {
        var pool = new BlockPool(BlockPool.DefaultMaxRetained);
        _stream = new byte[StreamLength];
        var random = new Random(42);
        var at = 0;
        var payload = new byte[TorrentLayout.BlockSize];
        for (var i = 0; i < Pieces; i++)
        {
            random.NextBytes(payload);
            var block = pool.RentCopy(payload);
            at += MessageWriter.Write(new PieceMessage(i / 16, i % 16 * TorrentLayout.BlockSize, block), _stream.AsSpan(at));
            block.Release();
            if (i % 16 == 15) at += MessageWriter.Write(new Have(i / 16), _stream.AsSpan(at));
        }
        if (at != _stream.Length) throw new InvalidOperationException($"stream is {at} bytes, expected {_stream.Length}");
        _decoder = new FrameDecoder(pool);
    }

    [GlobalCleanup]
    public void Cleanup() => _decoder.Dispose();

    [Benchmark]
    public int Decode()
    {
        var messages = 0;
        for (var at = 0; at < _stream.Length; at += ChunkSize)
        {
            var chunk = _stream.AsSpan(at, Math.Min(ChunkSize, _stream.Length - at));
            if (_decoder.Feed(chunk, _output) is { } violation) throw new InvalidOperationException(violation.ToString());
            foreach (var m in _output)
                if (m is PieceMessage p) p.Data.Release();
            messages += _output.Count;
            _output.Clear();
        }
        return messages;
    }
}
