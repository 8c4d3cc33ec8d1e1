using Engine.Core.Buffers;
using Engine.Core.Metainfo;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

/// <summary>Upload reads straight from the files: any thread, blocks spanning files, and failures that say why.</summary>
public sealed class BlockSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("block-source-").FullName;
    private readonly BlockPool _pool = new(64);

    /// <summary>Three files (40 000, 1 and 30 000 bytes) under 16 KiB pieces: pieces 0 and 2 span file boundaries.</summary>
    private (TorrentMetainfo Torrent, byte[] Bytes) MakeTorrent()
    {
        var dir = Path.Combine(_root, "set");
        Directory.CreateDirectory(dir);
        var rng = new Random(11);
        var all = new List<byte>();
        foreach (var (name, size) in new[] { ("a.bin", 40_000), ("b.bin", 1), ("c.bin", 30_000) })
        {
            var bytes = new byte[size];
            rng.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
            all.AddRange(bytes);
        }
        return (TorrentMetainfo.Parse(TorrentCreator.Create(dir, new TorrentCreationOptions { PieceLength = 16 * 1024 })), [.. all]);
    }

    private static byte[] Expected(TorrentMetainfo t, byte[] all, Engine.Core.Primitives.BlockRequest b)
        => all.AsSpan((int)(t.Layout.PieceOffset(b.Piece) + b.Offset), b.Length).ToArray();

    [Fact]
    public void Blocks_are_read_in_any_order_across_file_boundaries()
    {
        var (t, all) = MakeTorrent();
        using var source = new BlockSource(t, _root, _pool);
        for (var piece = t.PieceCount - 1; piece >= 0; piece--)
        {
            var block = t.Layout.Block(piece, 0);
            var data = source.TryRead(block, out var error);
            Assert.Null(error);
            Assert.Equal(Expected(t, all, block), data!.Span.ToArray());
            data.Release();
        }
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void Reads_from_several_threads_at_once_each_get_their_own_bytes()
    {
        var (t, all) = MakeTorrent();
        using var source = new BlockSource(t, _root, _pool);
        var mismatches = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var block = t.Layout.Block(i % t.PieceCount, 0);
            var data = source.TryRead(block, out _);
            if (data is null || !data.Span.SequenceEqual(Expected(t, all, block))) Interlocked.Increment(ref mismatches);
            data?.Release();
        });
        Assert.Equal(0, mismatches);
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void A_missing_file_fails_the_read_instead_of_sending_zeros()
    {
        var (t, _) = MakeTorrent();
        File.Delete(Path.Combine(_root, "set", "c.bin"));
        using var source = new BlockSource(t, _root, _pool);
        var data = source.TryRead(t.Layout.Block(t.PieceCount - 1, 0), out var error);
        Assert.Null(data);
        Assert.Contains("c.bin", error);
        Assert.Equal(0, _pool.Outstanding);
        Assert.False(File.Exists(Path.Combine(_root, "set", "c.bin")), "a reading-only storage must not create files");
    }

    [Fact]
    public void Closed_handles_are_opened_again_and_a_disposed_source_fails_cleanly()
    {
        var (t, all) = MakeTorrent();
        var source = new BlockSource(t, _root, _pool);
        var block = t.Layout.Block(1, 0);
        source.TryRead(block, out _)!.Release();
        source.CloseHandles();
        var again = source.TryRead(block, out var error);
        Assert.Null(error);
        Assert.Equal(Expected(t, all, block), again!.Span.ToArray());
        again.Release();
        source.Dispose();
        Assert.Null(source.TryRead(block, out error));
        Assert.NotNull(error);
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void The_reading_storage_refuses_writes()
    {
        var (t, _) = MakeTorrent();
        using var files = TorrentStorage.ForReading(t, _root);
        Assert.Throws<InvalidOperationException>(() => files.WriteAt(0, new byte[16]));
        Assert.Throws<InvalidOperationException>(() => files.CreateFiles());
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
