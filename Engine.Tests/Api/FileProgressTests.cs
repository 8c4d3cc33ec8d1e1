using Engine.Api;
using Engine.Core.Pieces;
using Engine.Tests.Support;

namespace Engine.Tests.Api;

public sealed class FileProgressTests
{
    [Fact]
    public void Each_file_counts_the_bytes_that_lie_in_verified_pieces()
    {
        // 10 pieces of 32 KiB: a = 0..50000 (pieces 0-1), b = 50000..250000 (pieces 1-7), c = 250000..300000 (7-9)
        using var data = GeneratedTorrent.Create("fp", [("a.bin", 50_000), ("b.bin", 200_000), ("c.bin", 50_000)], 32 * 1024);
        var t = data.Metainfo;
        Assert.Equal(10, t.PieceCount);
        var have = new Bitfield(t.PieceCount);
        Assert.All(FileProgress.Compute(t, have), f => Assert.Equal(0, f.Progress));

        have[1] = true; // 32768..65536: 17232 bytes of a, 15536 of b
        var p = FileProgress.Compute(t, have);
        Assert.Equal(17_232 / 50_000.0, p[0].Progress, 9);
        Assert.Equal(15_536 / 200_000.0, p[1].Progress, 9);
        Assert.Equal(0, p[2].Progress);

        have.SetAll();
        Assert.All(FileProgress.Compute(t, have), f => Assert.Equal(1.0, f.Progress));
        Assert.Equal(["fp/a.bin", "fp/b.bin", "fp/c.bin"], p.Select(f => f.Path));
        Assert.Equal([50_000L, 200_000L, 50_000L], p.Select(f => f.Length));
    }

    [Fact]
    public void Summed_over_files_the_verified_bytes_equal_the_verified_pieces_bytes()
    {
        using var data = GeneratedTorrent.Create("sum", [("a", 1), ("b", 70_000), ("c", 16_384), ("d", 99_999), ("e", 3)], 16 * 1024);
        var t = data.Metainfo;
        var random = new Random(2);
        for (var round = 0; round < 200; round++)
        {
            var have = new Bitfield(t.PieceCount);
            long expected = 0;
            for (var i = 0; i < t.PieceCount; i++)
                if (random.Next(2) == 0) { have[i] = true; expected += t.Layout.PieceSize(i); }
            var files = FileProgress.Compute(t, have);
            Assert.Equal(expected, files.Sum(f => (long)Math.Round(f.Progress * f.Length)));
        }
    }

    [Fact]
    public void A_bitfield_of_another_size_is_refused()
    {
        using var data = GeneratedTorrent.Create("size", [("a", 100)], 16 * 1024);
        Assert.Throws<ArgumentException>(() => FileProgress.Compute(data.Metainfo, new Bitfield(5)));
    }

    [Fact]
    public void A_piece_map_from_before_the_metadata_counts_as_nothing_verified_in_a_status()
    {
        using var data = GeneratedTorrent.Create("early", [("a", 100_000), ("b", 50_000)], 16 * 1024);
        var t = data.Metainfo;
        Assert.All(FileProgress.ComputeOrNone(t, new Bitfield(0)), f => Assert.Equal(0, f.Progress));
        Assert.All(FileProgress.ComputeOrNone(t, null), f => Assert.Equal(0, f.Progress));
        var have = new Bitfield(t.PieceCount);
        have.SetAll();
        Assert.All(FileProgress.ComputeOrNone(t, have), f => Assert.Equal(1.0, f.Progress));
    }
}
