using System.Security.Cryptography;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

/// <summary>
/// Verification by the storage actor: pieces written in order are hashed as they are written (no read-back),
/// pieces written out of order are read back, and a bad piece fails either way and verifies once refetched.
/// </summary>
public sealed class StorageActorHashingSpec : TestKit, IDisposable
{
    private const int Block = TorrentLayout.BlockSize;
    private readonly string _root = Directory.CreateTempSubdirectory("storage-hash-spec-").FullName;
    private readonly BlockPool _pool = new(64);

    /// <summary>Two files (100 000 and 200 000 bytes) with 64 KiB pieces: 4 blocks a piece, one piece spans both files.</summary>
    private (TorrentMetainfo Torrent, byte[] All) MakeTorrent()
    {
        var src = Path.Combine(_root, "src", "set");
        Directory.CreateDirectory(src);
        var rng = new Random(11);
        var a = new byte[100_000];
        var b = new byte[200_000];
        rng.NextBytes(a);
        rng.NextBytes(b);
        File.WriteAllBytes(Path.Combine(src, "a.bin"), a);
        File.WriteAllBytes(Path.Combine(src, "b.bin"), b);
        var torrent = TorrentMetainfo.Parse(TorrentCreator.Create(src, new TorrentCreationOptions { PieceLength = 4 * Block }));
        return (torrent, [.. a, .. b]);
    }

    private IActorRef NewStorage(TorrentMetainfo t)
        => ActorOf(StorageActor.Props(t, Path.Combine(_root, "dl"), Path.Combine(_root, "r.resume")));

    private void Write(IActorRef storage, TorrentMetainfo t, byte[] all, int piece, DiskCredit credit, IEnumerable<int> blocks)
    {
        foreach (var i in blocks)
        {
            var block = t.Layout.Block(piece, i);
            var data = _pool.Rent(block.Length);
            all.AsSpan((int)(t.Layout.PieceOffset(piece) + block.Offset), block.Length).CopyTo(data.Span);
            storage.Tell(new StorageActor.WriteBlock(block, data, credit));
        }
    }

    private byte[] OnDisk()
        => [.. File.ReadAllBytes(Path.Combine(_root, "dl", "set", "a.bin")), .. File.ReadAllBytes(Path.Combine(_root, "dl", "set", "b.bin"))];

    /// <summary>
    /// Writes the blocks one at a time: each is sent only once the one before it is written and hashed (its disk
    /// credit is back), so the disk worker cannot gather (and sort) them.
    /// </summary>
    private void WriteOneByOne(IActorRef storage, TorrentMetainfo t, byte[] all, int piece, DiskCredit credit, IEnumerable<int> blocks)
    {
        foreach (var i in blocks)
        {
            var before = credit.CurrentCount;
            Write(storage, t, all, piece, credit, [i]);
            AwaitCondition(() => credit.CurrentCount > before, TimeSpan.FromSeconds(10));
        }
    }

    private static IEnumerable<int> InOrder(TorrentMetainfo t, int piece) => Enumerable.Range(0, t.Layout.BlockCount(piece));

    [Fact]
    public void Pieces_written_in_order_are_verified_without_reading_them_back()
    {
        var (t, all) = MakeTorrent();
        var storage = NewStorage(t);
        var credit = new DiskCredit(0);
        for (var p = 0; p < t.PieceCount; p++)
        {
            Write(storage, t, all, p, credit, InOrder(t, p));
            storage.Tell(new StorageActor.VerifyPiece(p));
        }
        for (var p = 0; p < t.PieceCount; p++)
        {
            var r = ExpectMsg<StorageActor.PieceChecked>();
            Assert.Equal(p, r.Piece); // answered on the disk worker, in order
            Assert.True(r.Ok, $"piece {p}");
            Assert.Equal(0, r.BytesReadBack);
        }
        AwaitCondition(() => credit.CurrentCount == (int)t.Layout.TotalBlocks);
        Assert.Equal(0, _pool.Outstanding);
        Assert.Equal(all, OnDisk());
    }

    [Fact]
    public void A_piece_written_out_of_order_reads_back_only_the_blocks_that_came_ahead()
    {
        var (t, all) = MakeTorrent();
        var storage = NewStorage(t);
        WriteOneByOne(storage, t, all, 1, new DiskCredit(0), [1, 0, 3, 2]);
        storage.Tell(new StorageActor.VerifyPiece(1));
        var r = ExpectMsg<StorageActor.PieceChecked>();
        Assert.True(r.Ok);
        Assert.Equal(2 * Block, r.BytesReadBack);
    }

    [Fact]
    public void A_piece_whose_first_block_was_never_seen_by_the_hasher_is_read_back_whole()
    {
        var (t, all) = MakeTorrent();
        var first = NewStorage(t);
        Write(first, t, all, 2, new DiskCredit(0), [0]);
        first.Tell(new StorageActor.Close(null));
        ExpectMsg<StorageActor.Closed>();
        Sys.Stop(first);
        var second = NewStorage(t); // a restart: block 0 is on disk but this worker never hashed it
        WriteOneByOne(second, t, all, 2, new DiskCredit(0), [1, 2, 3]);
        second.Tell(new StorageActor.VerifyPiece(2));
        var r = ExpectMsg<StorageActor.PieceChecked>();
        Assert.True(r.Ok);
        Assert.Equal(t.Layout.PieceSize(2), r.BytesReadBack);
    }

    [Fact]
    public void Interleaved_in_order_and_out_of_order_pieces_each_take_their_own_path()
    {
        var (t, all) = MakeTorrent();
        var storage = NewStorage(t);
        var credit = new DiskCredit(0);
        // Piece 0 in order and piece 2 reversed, block by block interleaved (two peers).
        int[] outOfOrder = [3, 2, 1, 0];
        for (var i = 0; i < 4; i++)
        {
            WriteOneByOne(storage, t, all, 0, credit, [i]);
            WriteOneByOne(storage, t, all, 2, credit, [outOfOrder[i]]);
        }
        storage.Tell(new StorageActor.VerifyPiece(0));
        storage.Tell(new StorageActor.VerifyPiece(2));
        var results = new[] { ExpectMsg<StorageActor.PieceChecked>(), ExpectMsg<StorageActor.PieceChecked>() }.ToDictionary(r => r.Piece);
        Assert.True(results[0].Ok);
        Assert.Equal(0, results[0].BytesReadBack);
        Assert.True(results[2].Ok);
        Assert.Equal(3 * Block, results[2].BytesReadBack);
    }

    [Fact]
    public void A_batch_out_of_order_is_written_sorted_and_hashed_without_a_read_back()
    {
        var (t, all) = MakeTorrent();
        var storage = NewStorage(t);
        var credit = new DiskCredit(0);
        // One batch holding piece 1 (spanning both files) as 2, 0, 3, 1 and piece 4 (the last, shorter one) reversed.
        var order = new[] { (1, 2), (4, 2), (1, 0), (4, 1), (1, 3), (4, 0), (1, 1) };
        var blocks = order.Select(o => t.Layout.Block(o.Item1, o.Item2)).ToArray();
        var data = blocks.Select(b =>
        {
            var d = _pool.Rent(b.Length);
            all.AsSpan((int)(t.Layout.PieceOffset(b.Piece) + b.Offset), b.Length).CopyTo(d.Span);
            return d;
        }).ToArray();
        storage.Tell(new StorageActor.WriteBlocks(blocks, data, credit));
        storage.Tell(new StorageActor.VerifyPiece(1));
        storage.Tell(new StorageActor.VerifyPiece(4));
        foreach (var piece in new[] { 1, 4 })
        {
            var r = ExpectMsg<StorageActor.PieceChecked>();
            Assert.Equal(piece, r.Piece);
            Assert.True(r.Ok);
            Assert.Equal(0, r.BytesReadBack);
        }
        AwaitCondition(() => credit.CurrentCount == blocks.Length);
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void A_bad_piece_written_in_order_fails_and_verifies_once_refetched()
    {
        var (t, all) = MakeTorrent();
        var bad = (byte[])all.Clone();
        bad[t.Layout.PieceOffset(1) + 2 * Block + 99] ^= 0x10;
        var storage = NewStorage(t);
        var credit = new DiskCredit(0);
        Write(storage, t, bad, 1, credit, InOrder(t, 1));
        storage.Tell(new StorageActor.VerifyPiece(1));
        var failed = ExpectMsg<StorageActor.PieceChecked>();
        Assert.False(failed.Ok);
        Assert.Equal(0, failed.BytesReadBack);
        // Refetched, in order: verified (and the disk now holds the good bytes).
        Write(storage, t, all, 1, credit, InOrder(t, 1));
        storage.Tell(new StorageActor.VerifyPiece(1));
        var ok = ExpectMsg<StorageActor.PieceChecked>();
        Assert.True(ok.Ok);
        Assert.Equal(0, ok.BytesReadBack);
        // Refetched out of order after another failure: the blocks that came ahead are read back, verified.
        Write(storage, t, bad, 1, credit, InOrder(t, 1));
        storage.Tell(new StorageActor.VerifyPiece(1));
        Assert.False(ExpectMsg<StorageActor.PieceChecked>().Ok);
        WriteOneByOne(storage, t, all, 1, credit, [2, 3, 0, 1]);
        storage.Tell(new StorageActor.VerifyPiece(1));
        var readBack = ExpectMsg<StorageActor.PieceChecked>();
        Assert.True(readBack.Ok);
        Assert.Equal(2 * Block, readBack.BytesReadBack); // blocks 2 and 3, once 0 and 1 had arrived
        var onDisk = OnDisk();
        Assert.Equal(SHA1.HashData(all.AsSpan((int)t.Layout.PieceOffset(1), t.Layout.PieceSize(1))),
            SHA1.HashData(onDisk.AsSpan((int)t.Layout.PieceOffset(1), t.Layout.PieceSize(1))));
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
