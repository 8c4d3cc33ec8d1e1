using Engine.Core.Metainfo;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

public sealed class TorrentStorageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("torrent-storage-").FullName;

    [Fact]
    public void A_run_of_buffers_is_written_across_file_boundaries_exactly_as_one_span_would_be()
    {
        var src = Path.Combine(_root, "src", "set");
        Directory.CreateDirectory(src);
        var rng = new Random(11);
        var sizes = new[] { 40_000, 1, 0, 30_000 };
        var all = new List<byte>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var bytes = new byte[sizes[i]];
            rng.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(src, $"f{i}.bin"), bytes);
            all.AddRange(bytes);
        }
        var torrent = TorrentMetainfo.Parse(TorrentCreator.Create(src, new TorrentCreationOptions { PieceLength = 16 * 1024 }));
        var data = all.ToArray();
        using var storage = new TorrentStorage(torrent, Path.Combine(_root, "dl"));
        storage.CreateEmptyFiles();
        // Odd-sized buffers: 3 runs covering everything, each cut at places unrelated to file boundaries.
        var cuts = new[] { 0, 7, 39_999, 40_001, 40_002, 52_000, 70_001 };
        for (var run = 0; run < 3; run++)
        {
            var from = cuts[run * 2];
            var to = run == 2 ? data.Length : cuts[run * 2 + 2];
            var buffers = new List<ReadOnlyMemory<byte>>();
            for (var c = from; c < to;)
            {
                var next = Math.Min(to, c + 1 + rng.Next(9000));
                buffers.Add(data.AsMemory(c, next - c));
                c = next;
            }
            storage.WriteAt(from, buffers, to - from);
        }
        var back = new byte[data.Length];
        storage.Read(0, back);
        Assert.Equal(data, back);
        storage.CloseHandles();
        for (var i = 0; i < sizes.Length; i++)
            Assert.Equal(File.ReadAllBytes(Path.Combine(src, $"f{i}.bin")), File.ReadAllBytes(Path.Combine(_root, "dl", "set", $"f{i}.bin")));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
