using BenchmarkDotNet.Attributes;
using Engine.Core.Bencode;

namespace Engine.Bench.Micro;

/// <summary>
/// <see cref="BencodeReader.Decode"/> of two synthetic .torrent files: <c>ManyFiles</c> (10 000 files, each a
/// dictionary with a length and a 3-element path: structure-heavy) and <c>SingleFile4GiB</c> (one file, 4096 piece
/// hashes in one 80 KiB string: mostly one long string).
/// </summary>
[MemoryDiagnoser]
public class BencodeBenchmarks : IThroughputBenchmark
{
    private byte[] _manyFiles = [];
    private byte[] _singleFile = [];

    public long? BytesPerOperation(string method) => method switch
    {
        nameof(ManyFiles) => ManyFilesBytes().Length,
        nameof(SingleFile4GiB) => SingleFileBytes().Length,
        _ => null,
    };

    [GlobalSetup]
    public void Setup()
    {
        _manyFiles = ManyFilesBytes();
        _singleFile = SingleFileBytes();
    }

    [Benchmark]
    public int ManyFiles() => BencodeReader.DecodeDictionary(_manyFiles).Count;

    [Benchmark]
    public int SingleFile4GiB() => BencodeReader.DecodeDictionary(_singleFile).Count;

    private static byte[] ManyFilesBytes()
    {
        const int files = 10_000;
        var list = new List<BValue>(files);
        long total = 0;
        for (var i = 0; i < files; i++)
        {
            var length = 100_000 + i * 37L;
            total += length;
            list.Add(new BDictionaryBuilder()
                .Add("length", length)
                .Add("path", [$"folder {i / 1000:D2}", $"sub {i / 100 % 10}", $"file number {i:D5}.dat"])
                .Build());
        }
        const int pieceLength = 1 << 20;
        var pieces = new byte[(total + pieceLength - 1) / pieceLength * 20];
        new Random(3).NextBytes(pieces);
        return Torrent(new BDictionaryBuilder()
            .Add("files", new BList(list))
            .Add("name", "many files")
            .Add("piece length", pieceLength)
            .Add("pieces", pieces));
    }

    private static byte[] SingleFileBytes()
    {
        const int pieceLength = 1 << 20;
        var pieces = new byte[4096 * 20];
        new Random(5).NextBytes(pieces);
        return Torrent(new BDictionaryBuilder()
            .Add("length", 4096L * pieceLength)
            .Add("name", "big.bin")
            .Add("piece length", pieceLength)
            .Add("pieces", pieces));
    }

    private static byte[] Torrent(BDictionaryBuilder info) => new BDictionaryBuilder()
        .Add("announce", "http://127.0.0.1:6969/announce")
        .Add("created by", "Engine bench")
        .Add("info", info)
        .ToArray();
}
