using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

/// <summary>The storage actor over real files: blocks spanning files, verification, resume, and a full disk.</summary>
public sealed class StorageActorSpec : TestKit, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("storage-spec-").FullName;
    private readonly BlockPool _pool = new(64);

    /// <summary>A 3-file torrent (sizes 40 000, 1, 30 000) with 16 KiB pieces: pieces span file boundaries.</summary>
    private (TorrentMetainfo Torrent, string Source) MakeTorrent()
    {
        var src = Path.Combine(_root, "src", "set");
        Directory.CreateDirectory(src);
        var rng = new Random(5);
        foreach (var (name, size) in new[] { ("a.bin", 40_000), ("b.bin", 1), ("c.bin", 30_000) })
        {
            var bytes = new byte[size];
            rng.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(src, name), bytes);
        }
        var torrent = TorrentMetainfo.Parse(TorrentCreator.Create(src, new TorrentCreationOptions { PieceLength = 16 * 1024 }));
        return (torrent, src);
    }

    private byte[] TorrentBytes(string source) =>
        [.. File.ReadAllBytes(Path.Combine(source, "a.bin")), .. File.ReadAllBytes(Path.Combine(source, "b.bin")), .. File.ReadAllBytes(Path.Combine(source, "c.bin"))];

    private void WritePiece(IActorRef storage, TorrentMetainfo t, byte[] all, int piece, DiskCredit credit)
    {
        for (var b = 0; b < t.Layout.BlockCount(piece); b++)
        {
            var block = t.Layout.Block(piece, b);
            var data = _pool.Rent(block.Length);
            all.AsSpan((int)(t.Layout.PieceOffset(piece) + block.Offset), block.Length).CopyTo(data.Span);
            storage.Tell(new StorageActor.WriteBlock(block, data, credit));
        }
    }

    [Fact]
    public void Blocks_are_written_across_file_boundaries_verified_and_their_credit_returned()
    {
        var (t, src) = MakeTorrent();
        var all = TorrentBytes(src);
        var save = Path.Combine(_root, "dl");
        var storage = ActorOf(StorageActor.Props(t, save, Path.Combine(_root, "r.resume")));
        var credit = new DiskCredit(0);
        for (var p = 0; p < t.PieceCount; p++)
        {
            WritePiece(storage, t, all, p, credit);
            storage.Tell(new StorageActor.VerifyPiece(p));
        }
        var ok = new HashSet<int>();
        for (var p = 0; p < t.PieceCount; p++)
        {
            var r = ExpectMsg<StorageActor.PieceChecked>();
            Assert.True(r.Ok, $"piece {r.Piece}");
            ok.Add(r.Piece);
        }
        Assert.Equal(t.PieceCount, ok.Count);
        AwaitCondition(() => credit.CurrentCount == (int)t.Layout.TotalBlocks);
        Assert.Equal(0, _pool.Outstanding);
        foreach (var name in new[] { "a.bin", "b.bin", "c.bin" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(src, name)), File.ReadAllBytes(Path.Combine(save, "set", name)));
    }

    [Fact]
    public void A_piece_with_wrong_data_fails_verification()
    {
        var (t, src) = MakeTorrent();
        var all = TorrentBytes(src);
        all[20_000] ^= 1;
        var storage = ActorOf(StorageActor.Props(t, Path.Combine(_root, "dl"), Path.Combine(_root, "r.resume")));
        WritePiece(storage, t, all, 1, new DiskCredit(0));
        storage.Tell(new StorageActor.VerifyPiece(1));
        var failed = ExpectMsg<StorageActor.PieceChecked>();
        Assert.False(failed.Ok);
        Assert.False(failed.NotChecked); // the data was read: a real hash failure
        // Smart ban gets a digest of each block as written.
        var block = t.Layout.Block(1, 0);
        var written = all.AsSpan((int)(t.Layout.PieceOffset(1) + block.Offset), block.Length);
        Assert.Equal([Engine.Core.Pieces.BlockDigest.Of(written)], failed.BlockDigests!);
    }

    [Fact]
    public void A_piece_that_passes_carries_its_block_digests_only_when_asked()
    {
        var (t, src) = MakeTorrent();
        var all = TorrentBytes(src);
        var storage = ActorOf(StorageActor.Props(t, Path.Combine(_root, "dl"), Path.Combine(_root, "r.resume")));
        WritePiece(storage, t, all, 0, new DiskCredit(0));
        storage.Tell(new StorageActor.VerifyPiece(0));
        var plain = ExpectMsg<StorageActor.PieceChecked>();
        Assert.True(plain.Ok);
        Assert.Null(plain.BlockDigests);
        storage.Tell(new StorageActor.VerifyPiece(0) { WantDigests = true });
        var asked = ExpectMsg<StorageActor.PieceChecked>();
        Assert.True(asked.Ok);
        Assert.Equal([Engine.Core.Pieces.BlockDigest.Of(all.AsSpan(0, 16 * 1024))], asked.BlockDigests!);
    }

    [Fact]
    public void Resume_state_written_on_close_is_trusted_on_the_next_start_and_hash_checked_when_files_change()
    {
        var (t, src) = MakeTorrent();
        var all = TorrentBytes(src);
        var save = Path.Combine(_root, "dl");
        var resume = Path.Combine(_root, "state", "r.resume");
        var first = ActorOf(StorageActor.Props(t, save, resume));
        first.Tell(new StorageActor.CheckExisting());
        Assert.Equal(StartupSource.NoData, ExpectMsg<StorageActor.CheckCompleted>().Source);
        WritePiece(first, t, all, 0, new DiskCredit(0));
        WritePiece(first, t, all, 2, new DiskCredit(0));
        var verified = new Engine.Core.Pieces.Bitfield(t.PieceCount);
        verified[0] = true;
        verified[2] = true;
        first.Tell(new StorageActor.Close(verified.ToWire()));
        ExpectMsg<StorageActor.Closed>();
        Sys.Stop(first);

        var second = ActorOf(StorageActor.Props(t, save, resume));
        second.Tell(new StorageActor.CheckExisting());
        var fromResume = ExpectMsg<StorageActor.CheckCompleted>();
        Assert.Equal(StartupSource.ResumeRecord, fromResume.Source);
        Assert.True(fromResume.Verified[0] && fromResume.Verified[2] && fromResume.Verified.SetCount == 2);
        Sys.Stop(second);

        // Touch a file: the record is stale, the data is hash-checked (and pieces 0 and 2 still verify).
        File.SetLastWriteTimeUtc(Path.Combine(save, "set", "a.bin"), DateTime.UtcNow.AddMinutes(-5));
        var third = ActorOf(StorageActor.Props(t, save, resume));
        third.Tell(new StorageActor.CheckExisting());
        var check = FishForMessage<StorageActor.CheckCompleted>(_ => true);
        Assert.Equal(StartupSource.HashCheck, check.Source);
        Assert.True(check.Verified[0] && check.Verified[2] && check.Verified.SetCount == 2);
    }

    /// <summary>
    /// Issue 18: "after Ctrl+C, the restart re-hashed everything although a resume record existed". Blocks still on
    /// their way when the torrent stops (peers stop asynchronously) reached storage after the close had written the
    /// record, reopened the file and changed its mtime, so the record no longer matched. They are dropped now.
    /// </summary>
    [Fact]
    public void Blocks_arriving_after_the_close_do_not_touch_the_files_so_the_record_written_on_close_is_trusted()
    {
        var (t, src) = MakeTorrent();
        var all = TorrentBytes(src);
        var save = Path.Combine(_root, "dl");
        var resume = Path.Combine(_root, "state", "r.resume");
        var first = ActorOf(StorageActor.Props(t, save, resume));
        var credit = new DiskCredit(0);
        WritePiece(first, t, all, 0, credit);
        var verified = new Engine.Core.Pieces.Bitfield(t.PieceCount);
        verified[0] = true;
        first.Tell(new StorageActor.Close(verified.ToWire()));
        ExpectMsg<StorageActor.Closed>();
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(save, "set", "a.bin"));
        Thread.Sleep(20);
        WritePiece(first, t, all, 1, credit); // late blocks of piece 1, into a.bin
        AwaitCondition(() => credit.CurrentCount == t.Layout.BlockCount(0) + t.Layout.BlockCount(1)); // released, not kept
        Assert.Equal(0, _pool.Outstanding);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(save, "set", "a.bin")));
        Sys.Stop(first);

        var second = ActorOf(StorageActor.Props(t, save, resume));
        second.Tell(new StorageActor.CheckExisting());
        var check = ExpectMsg<StorageActor.CheckCompleted>();
        Assert.Equal(StartupSource.ResumeRecord, check.Source);
        Assert.Equal(1, check.Verified.SetCount);
    }

    [Fact]
    public void A_full_disk_is_reported_to_the_parent_and_never_crashes()
    {
        var (t, src) = MakeTorrent();
        var all = TorrentBytes(src);
        // An 8 KiB file system: the first piece (16 KiB) does not fit: ENOSPC, a real "no space left on device".
        using var disk = Engine.Tests.Lab.SmallDisk.Mount(8 * 1024);
        var save = disk.Path;
        var parent = CreateTestProbe();
        var storage = parent.ChildActorOf(StorageActor.Props(t, save, Path.Combine(_root, "r.resume")));
        var credit = new DiskCredit(0);
        WritePiece(storage, t, all, 0, credit);
        storage.Tell(new StorageActor.VerifyPiece(0), TestActor);
        var failed = parent.ExpectMsg<StorageActor.StorageFailed>();
        Assert.Contains("space", failed.Reason, StringComparison.OrdinalIgnoreCase);
        var verdict = ExpectMsg<StorageActor.PieceChecked>();
        Assert.False(verdict.Ok);
        Assert.True(verdict.NotChecked); // a lost write is not the peers' fault
        // Buffers and credits are given back even though the writes failed.
        AwaitCondition(() => credit.CurrentCount == t.Layout.BlockCount(0));
        Assert.Equal(0, _pool.Outstanding);
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
