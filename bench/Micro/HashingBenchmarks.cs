using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Engine.Core.Metainfo;
using Engine.Core.Storage;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Bench.Micro;

/// <summary>
/// SHA-1 piece hashing on one core, 64 MiB in 1 MiB pieces, data in the page cache:
/// <list type="bullet">
/// <item><c>RawSha1</c> — <see cref="SHA1.HashData(ReadOnlySpan{byte}, Span{byte})"/> over memory: the ceiling.</item>
/// <item><c>VerifyReadBack</c> — what the StorageActor's verify does per piece (its private HashMatches, mirrored):
/// read the piece back through <see cref="TorrentStorage.Read"/> in 1 MiB chunks into a pooled buffer, IncrementalHash.</item>
/// <item><c>TorrentCreatorOneThread</c> — <see cref="TorrentCreator.Create"/> with one hashing thread.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class HashingBenchmarks : IThroughputBenchmark
{
    private const int PieceLength = 1 << 20;
    private const int PieceCount = 64;
    private const long Total = (long)PieceLength * PieceCount;
    private string _dir = "";
    private string _file = "";
    private byte[] _memory = [];
    private TorrentMetainfo _torrent = null!;
    private TorrentStorage _storage = null!;
    private readonly byte[] _digest = new byte[20];

    public long? BytesPerOperation(string method) => Total;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("engine-bench-hash-").FullName;
        _file = Path.Combine(_dir, "data.bin");
        _memory = new byte[Total];
        new Random(7).NextBytes(_memory);
        File.WriteAllBytes(_file, _memory);
        _torrent = TorrentMetainfo.Parse(TorrentCreator.Create(_file, new TorrentCreationOptions { PieceLength = PieceLength, MaxParallelism = 1 }));
        _storage = new TorrentStorage(_torrent, _dir);
        if (!VerifyReadBack()) throw new InvalidOperationException("read-back verify failed on fresh data");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _storage.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public byte RawSha1()
    {
        for (var p = 0; p < PieceCount; p++)
            SHA1.HashData(_memory.AsSpan(p * PieceLength, PieceLength), _digest);
        return _digest[0];
    }

    [Benchmark]
    public bool VerifyReadBack()
    {
        var all = true;
        for (var p = 0; p < PieceCount; p++) all &= HashMatches(p);
        return all;
    }

    [Benchmark]
    public int TorrentCreatorOneThread()
        => TorrentCreator.Create(_file, new TorrentCreationOptions { PieceLength = PieceLength, MaxParallelism = 1, OmitCreationDate = true }).Length;

    /// <summary>Mirror of StorageActor.HashMatches (private there): read back in 1 MiB chunks, incremental SHA-1, compare.</summary>
    private bool HashMatches(int piece)
    {
        var size = _torrent.Layout.PieceSize(piece);
        var offset = _torrent.Layout.PieceOffset(piece);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(size, 1 << 20));
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            for (var done = 0; done < size;)
            {
                var n = Math.Min(chunk.Length, size - done);
                _storage.Read(offset + done, chunk.AsSpan(0, n));
                sha.AppendData(chunk, 0, n);
                done += n;
            }
            Span<byte> digest = stackalloc byte[20];
            sha.GetHashAndReset(digest);
            return digest.SequenceEqual(_torrent.GetPieceHash(piece));
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(chunk); }
    }
}
