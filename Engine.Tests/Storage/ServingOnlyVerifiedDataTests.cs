using Engine.Core.Buffers;
using Engine.Core.Metainfo;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

/// <summary>
/// The upload side reads only what we verified: a truncated file, a file changed by someone else, or a missing one fails
/// the read with the file's pieces as lost (never zeros, never foreign bytes); our own writes are not a change.
/// </summary>
public sealed class ServingOnlyVerifiedDataTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("verified-only-").FullName;
    private readonly BlockPool _pool = new(64);

    /// <summary>Two files (50 000 and 70 000 bytes) under 16 KiB pieces: file b holds pieces 3..7.</summary>
    private TorrentMetainfo MakeTorrent()
    {
        var dir = Path.Combine(_root, "set");
        Directory.CreateDirectory(dir);
        var rng = new Random(3);
        foreach (var (name, size) in new[] { ("a.bin", 50_000), ("b.bin", 70_000) })
        {
            var bytes = new byte[size];
            rng.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }
        File.SetLastWriteTimeUtc(Path.Combine(dir, "b.bin"), DateTime.UtcNow.AddMinutes(-1));
        return TorrentMetainfo.Parse(TorrentCreator.Create(dir, new TorrentCreationOptions { PieceLength = 16 * 1024 }));
    }

    private string PathOf(string name) => Path.Combine(_root, "set", name);

    [Fact]
    public void A_read_past_the_end_of_a_truncated_file_fails_with_the_files_pieces_as_lost()
    {
        var t = MakeTorrent();
        using var source = new BlockSource(t, _root, _pool);
        using (var f = new FileStream(PathOf("b.bin"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(10_000);
        var data = source.TryRead(t.Layout.Block(7, 0), out var error, out var lost);
        Assert.Null(data);
        Assert.Contains("shorter", error);
        Assert.Equal(new LostPieces(3, 7), lost);
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void A_file_changed_by_someone_else_fails_the_read_and_its_pieces_stay_unserved_until_checked_again()
    {
        var t = MakeTorrent();
        using var source = new BlockSource(t, _root, _pool);
        source.TryRead(t.Layout.Block(5, 0), out _)!.Release();
        using (var f = new FileStream(PathOf("b.bin"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.Write(new byte[100]);
        File.SetLastWriteTimeUtc(PathOf("b.bin"), DateTime.UtcNow); // (the write moved it already; make sure it differs)

        Assert.Null(source.TryRead(t.Layout.Block(6, 0), out var error, out var lost));
        Assert.Contains("changed", error);
        Assert.Equal(new LostPieces(3, 7), lost);
        // Every piece of the file is refused until re-checked; the other file is served as before.
        Assert.Null(source.TryRead(t.Layout.Block(7, 0), out _, out lost));
        Assert.Equal(new LostPieces(7, 7), lost);
        source.TryRead(t.Layout.Block(0, 0), out _)!.Release();
        source.Revalidate(7);
        source.TryRead(t.Layout.Block(7, 0), out _)!.Release();
        Assert.Null(source.TryRead(t.Layout.Block(4, 0), out _));
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void Writes_of_our_own_disk_worker_are_not_a_change()
    {
        var t = MakeTorrent();
        var ours = new OwnWrites(t.Files.Count);
        using var writer = new TorrentStorage(t, _root, ownWrites: ours);
        using var source = new BlockSource(t, _root, _pool, ours);
        source.TryRead(t.Layout.Block(3, 0), out _)!.Release();
        var block = t.Layout.Block(6, 0);
        var bytes = new byte[block.Length];
        new Random(8).NextBytes(bytes);
        writer.Write(block, bytes); // a download writing a piece it is fetching, beside pieces it serves
        File.SetLastWriteTimeUtc(PathOf("b.bin"), DateTime.UtcNow.AddSeconds(5));
        var data = source.TryRead(t.Layout.Block(4, 0), out var error, out var lost);
        Assert.Null(error);
        Assert.False(lost.Any);
        data!.Release();
    }

    [Fact]
    public void A_write_of_ours_that_lands_after_a_read_saw_it_begin_is_not_a_change()
    {
        var t = MakeTorrent();
        var ours = new OwnWrites(t.Files.Count);
        using var source = new BlockSource(t, _root, _pool, ours);
        source.TryRead(t.Layout.Block(3, 0), out _)!.Release();
        var b = 1; // file b.bin

        // The disk worker writes once, then counts a second write and is about to make it when an upload reads the file.
        ours.Writing(b);
        File.SetLastWriteTimeUtc(PathOf("b.bin"), DateTime.UtcNow.AddSeconds(1));
        ours.Written(b);
        ours.Writing(b);
        source.TryRead(t.Layout.Block(4, 0), out _)!.Release();
        // The second write lands and moves the time again: still ours. (Taking the started count as seen at the read
        // before, the guard called this a change by someone else.)
        File.SetLastWriteTimeUtc(PathOf("b.bin"), DateTime.UtcNow.AddSeconds(2));
        ours.Written(b);
        var data = source.TryRead(t.Layout.Block(5, 0), out var error, out var lost);
        Assert.Null(error);
        Assert.False(lost.Any);
        data!.Release();

        // With nothing of ours under way or done since, a change is someone else's.
        File.SetLastWriteTimeUtc(PathOf("b.bin"), DateTime.UtcNow.AddSeconds(3));
        Assert.Null(source.TryRead(t.Layout.Block(6, 0), out error, out lost));
        Assert.Contains("changed", error);
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void A_missing_file_is_lost_data_too()
    {
        var t = MakeTorrent();
        using var source = new BlockSource(t, _root, _pool);
        File.Delete(PathOf("a.bin"));
        Assert.Null(source.TryRead(t.Layout.Block(1, 0), out var error, out var lost));
        Assert.Contains("missing", error);
        Assert.Equal(new LostPieces(0, 3), lost);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
