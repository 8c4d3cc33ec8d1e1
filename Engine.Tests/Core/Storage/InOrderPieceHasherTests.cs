using System.Security.Cryptography;
using Engine.Core.Primitives;
using Engine.Core.Storage;

namespace Engine.Tests.Core.Storage;

public sealed class InOrderPieceHasherTests
{
    private const int Block = TorrentLayout.BlockSize;

    // 5 pieces of 64 KiB (4 blocks) and a last piece of 10 000 bytes (1 block).
    private static readonly TorrentLayout Layout = new(5L * 4 * Block + 10_000, 4 * Block);

    private static byte[] Data(int seed)
    {
        var bytes = new byte[Layout.TotalLength];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static ReadOnlySpan<byte> BlockOf(byte[] all, BlockRequest b)
        => all.AsSpan((int)(Layout.PieceOffset(b.Piece) + b.Offset), b.Length);

    private static byte[] Expected(byte[] all, int piece)
        => SHA1.HashData(all.AsSpan((int)Layout.PieceOffset(piece), Layout.PieceSize(piece)));

    /// <summary>A hasher over a "disk" that is <paramref name="disk"/>: what the blocks fed so far wrote there.</summary>
    private static InOrderPieceHasher Hasher(byte[] disk, int maxLive = InOrderPieceHasher.DefaultMaxLive)
        => new(Layout, (offset, destination) => disk.AsSpan((int)offset, destination.Length).CopyTo(destination), maxLive);

    /// <summary>Writes the blocks (in the order given) of <paramref name="data"/> to <paramref name="disk"/> and tells the hasher.</summary>
    private static void Feed(InOrderPieceHasher h, byte[] data, byte[] disk, int piece, params int[] blockOrder)
    {
        foreach (var i in blockOrder)
        {
            var b = Layout.Block(piece, i);
            var at = (int)(Layout.PieceOffset(piece) + b.Offset);
            data.AsSpan(at, b.Length).CopyTo(disk.AsSpan(at));
            h.Written(piece, b.Offset, BlockOf(data, b));
        }
    }

    private static byte[]? Finish(InOrderPieceHasher h, int piece, int maxReadBack = 4 * Block)
        => Finish(h, piece, maxReadBack, out _);

    private static byte[]? Finish(InOrderPieceHasher h, int piece, int maxReadBack, out int readBack)
    {
        var digest = new byte[20];
        return h.TryFinish(piece, digest, maxReadBack, out readBack) ? digest : null;
    }

    private static int[] All(int piece) => Enumerable.Range(0, Layout.BlockCount(piece)).ToArray();

    [Fact]
    public void Blocks_written_in_order_give_the_pieces_sha1_without_a_read_back()
    {
        var all = Data(1);
        var disk = new byte[all.Length];
        using var h = Hasher(disk);
        for (var p = 0; p < Layout.PieceCount; p++)
        {
            Feed(h, all, disk, p, All(p));
            Assert.Equal(Expected(all, p), Finish(h, p, 0, out var readBack));
            Assert.Equal(0, readBack);
        }
        Assert.Equal(0, h.Live);
        Assert.Equal(0, h.BytesReadBack);
        Assert.Equal(0, h.Abandoned);
    }

    [Fact]
    public void Blocks_a_little_out_of_order_cost_only_the_blocks_that_arrived_ahead()
    {
        var all = Data(2);
        var disk = new byte[all.Length];
        using var h = Hasher(disk);
        Feed(h, all, disk, 1, 0, 2, 1, 3);   // block 2 came ahead of 1: read back once 1 arrives
        Assert.Equal(Expected(all, 1), Finish(h, 1, 0, out var readBack));
        Assert.Equal(Block, readBack);
        Feed(h, all, disk, 2, 1, 0, 2, 3);   // block 1 came first
        Assert.Equal(Expected(all, 2), Finish(h, 2, 0, out readBack));
        Assert.Equal(Block, readBack);
        Feed(h, all, disk, 3, 0, 1, 3, 2);   // the last block came ahead of the one before it
        Assert.Equal(Expected(all, 3), Finish(h, 3, 0, out readBack));
        Assert.Equal(Block, readBack);
        Assert.Equal(0, h.Live);
    }

    [Fact]
    public void The_unhashed_tail_is_read_back_when_verifying_within_the_bound_and_refused_beyond_it()
    {
        var all = Data(3);
        var disk = new byte[all.Length];
        using var h = Hasher(disk);
        Feed(h, all, disk, 0, 3, 2, 1, 0);   // reversed: every block but 0 read back as the prefix catches up
        Assert.Equal(Expected(all, 0), Finish(h, 0, 0, out var readBack));
        Assert.Equal(3 * Block, readBack);
        Feed(h, all, disk, 1, 1, 2, 3);      // block 0 was written before the state existed (e.g. evicted)
        Assert.Null(Finish(h, 1, 3 * Block));  // the whole piece is left: the caller reads it back
        Assert.Equal(0, h.Live);
    }

    [Fact]
    public void A_piece_missing_blocks_is_finished_from_disk_only_when_allowed()
    {
        var all = Data(4);
        var disk = (byte[])all.Clone(); // the last block is on disk already (written before the state existed)
        using var h = Hasher(disk);
        Feed(h, all, disk, 4, 0, 1, 2);
        Assert.Null(Finish(h, 4, Block - 1));
        Feed(h, all, disk, 4, 0, 1, 2);
        Assert.Equal(Expected(all, 4), Finish(h, 4, Block, out var readBack));
        Assert.Equal(Block, readBack);
    }

    [Fact]
    public void Interleaved_pieces_from_several_peers_are_each_hashed_from_memory()
    {
        var all = Data(5);
        var disk = new byte[all.Length];
        using var h = Hasher(disk);
        for (var i = 0; i < 4; i++)
        {
            Feed(h, all, disk, 0, i);
            Feed(h, all, disk, 3, i);
            Feed(h, all, disk, 1, 3 - i);
        }
        Feed(h, all, disk, 5, 0);
        Assert.Equal(Expected(all, 0), Finish(h, 0, 0));
        Assert.Equal(Expected(all, 3), Finish(h, 3, 0));
        Assert.Equal(Expected(all, 5), Finish(h, 5, 0));
        Assert.Equal(Expected(all, 1), Finish(h, 1, 0));
        Assert.Equal(3 * Block, h.BytesReadBack); // piece 1 came reversed
    }

    [Fact]
    public void A_bad_block_gives_a_wrong_digest_and_the_refetched_piece_is_hashed_afresh()
    {
        var good = Data(6);
        var bad = (byte[])good.Clone();
        bad[Layout.PieceOffset(2) + 3 * Block + 17] ^= 0x40;
        var disk = new byte[good.Length];
        using var h = Hasher(disk);
        Feed(h, bad, disk, 2, All(2));
        var digest = Finish(h, 2);
        Assert.NotNull(digest);
        Assert.NotEqual(Expected(good, 2), digest);
        Feed(h, good, disk, 2, All(2));
        Assert.Equal(Expected(good, 2), Finish(h, 2, 0));
        // A bad block that arrived ahead is read back as written: still caught.
        Feed(h, bad, disk, 2, 0, 1, 3, 2);
        Assert.NotEqual(Expected(good, 2), Finish(h, 2, 0));
    }

    [Fact]
    public void A_block_rewritten_inside_the_hashed_prefix_makes_the_piece_fall_back_to_a_full_read_back()
    {
        var good = Data(7);
        var bad = (byte[])good.Clone();
        bad[Layout.PieceOffset(1) + 5] ^= 1;
        var disk = new byte[good.Length];
        using var h = Hasher(disk);
        Feed(h, bad, disk, 1, 0, 1);
        Feed(h, good, disk, 1, 0, 1, 2, 3);   // block 0 again: what was hashed no longer matches the disk
        Assert.Equal(1, h.Abandoned);
        Assert.Null(Finish(h, 1, 2 * Block)); // dropped; the rest was tracked afresh without block 0
    }

    [Fact]
    public void A_block_that_is_not_one_of_the_pieces_blocks_drops_the_piece()
    {
        var all = Data(8);
        var disk = new byte[all.Length];
        using var h = Hasher(disk);
        h.Written(0, 100, all.AsSpan(100, Block));
        Assert.Null(Finish(h, 0, 0));
        h.Written(5, 0, all.AsSpan((int)Layout.PieceOffset(5), 5000)); // the last piece's block is 10 000 bytes
        Assert.Null(Finish(h, 5, 0));
    }

    [Fact]
    public void The_number_of_live_states_is_bounded_and_the_least_recently_written_piece_is_evicted()
    {
        var all = Data(9);
        var disk = new byte[all.Length];
        using var h = Hasher(disk, maxLive: 2);
        Feed(h, all, disk, 0, 0);
        Feed(h, all, disk, 1, 0);
        Feed(h, all, disk, 0, 1);          // piece 1 is now the least recently written
        Feed(h, all, disk, 2, 0);          // a third piece evicts piece 1
        Assert.Equal(2, h.Live);
        Assert.Equal(1, h.Abandoned);
        Feed(h, all, disk, 0, 2, 3);
        Feed(h, all, disk, 2, 1, 2, 3);
        Assert.Equal(Expected(all, 0), Finish(h, 0, 0));
        Assert.Equal(Expected(all, 2), Finish(h, 2, 0));
        Feed(h, all, disk, 1, 1, 2, 3);    // tracked again, but block 0 was written while evicted
        Assert.Null(Finish(h, 1, 3 * Block));
        Assert.True(h.Live <= 2);
    }

    [Fact]
    public void Random_arrival_orders_always_give_the_right_digest()
    {
        var all = Data(10);
        var rng = new Random(42);
        var disk = new byte[all.Length];
        using var h = Hasher(disk, maxLive: 3);
        for (var round = 0; round < 300; round++)
        {
            var piece = rng.Next(Layout.PieceCount);
            var order = All(piece);
            if (rng.Next(2) == 0) rng.Shuffle(order);
            Feed(h, all, disk, piece, order);
            var digest = Finish(h, piece, Layout.PieceLength, out var readBack);
            Assert.Equal(Expected(all, piece), digest);
            if (order.SequenceEqual(All(piece))) Assert.Equal(0, readBack);
        }
        Assert.Equal(0, h.Live);
    }

    [Fact]
    public void Forgetting_a_piece_makes_it_fall_back()
    {
        var all = Data(11);
        var disk = new byte[all.Length];
        using var h = Hasher(disk);
        Feed(h, all, disk, 4, 0, 1);
        h.Forget(4);
        Feed(h, all, disk, 4, 2, 3);
        Assert.Null(Finish(h, 4, Block));
    }
}
