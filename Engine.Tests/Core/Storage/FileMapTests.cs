using Engine.Core.Primitives;
using Engine.Core.Storage;

namespace Engine.Tests.Core.Storage;

public class FileMapTests
{
    private static FileSlice[] Map(FileMap map, long offset, int length)
    {
        var slices = new FileSlice[Math.Max(1, map.MaxSlicesFor(length))];
        return slices[..map.Map(offset, length, slices)];
    }

    [Fact]
    public void A_single_file_maps_one_to_one()
    {
        var map = new FileMap([1000]);
        Assert.Equal(1000, map.TotalLength);
        Assert.Equal(new[] { new FileSlice(0, 100, 50, 0) }, Map(map, 100, 50));
    }

    [Fact]
    public void A_range_spanning_a_file_boundary_splits_into_two_slices()
    {
        var map = new FileMap([100, 200]);
        Assert.Equal(new[] { new FileSlice(0, 90, 10, 0), new FileSlice(1, 0, 20, 10) }, Map(map, 90, 30));
    }

    [Fact]
    public void A_range_covering_whole_files_yields_a_slice_per_file()
    {
        var map = new FileMap([10, 20, 30]);
        Assert.Equal(new[] { new FileSlice(0, 0, 10, 0), new FileSlice(1, 0, 20, 10), new FileSlice(2, 0, 30, 30) }, Map(map, 0, 60));
    }

    [Fact]
    public void A_range_starting_exactly_at_a_file_start_begins_in_that_file()
    {
        var map = new FileMap([10, 20]);
        Assert.Equal(new[] { new FileSlice(1, 0, 5, 0) }, Map(map, 10, 5));
    }

    [Fact]
    public void Zero_length_files_get_no_slice()
    {
        var map = new FileMap([0, 10, 0, 0, 10, 0]);
        Assert.Equal(new[] { new FileSlice(1, 5, 5, 0), new FileSlice(4, 0, 5, 5) }, Map(map, 5, 10));
        Assert.Equal(new[] { new FileSlice(1, 0, 1, 0) }, Map(map, 0, 1));
        Assert.Equal(new[] { new FileSlice(4, 9, 1, 0) }, Map(map, 19, 1));
    }

    [Fact]
    public void Padding_files_are_mapped_like_any_other_file()
    {
        // BEP 47: data, padding to the piece boundary, data.
        var map = new FileMap([100, 28, 64]);
        var layout = new TorrentLayout(map.TotalLength, 64);
        Assert.Equal((0, 1), map.FilesOfPiece(layout, 1));
        Assert.Equal((2, 2), map.FilesOfPiece(layout, 2));
        Assert.Equal(new[] { new FileSlice(0, 64, 36, 0), new FileSlice(1, 0, 28, 36) }, Map(map, 64, 64));
    }

    [Fact]
    public void An_empty_range_maps_to_nothing()
    {
        var map = new FileMap([10]);
        Assert.Empty(Map(map, 10, 0));
        Assert.Equal(0, map.MaxSlicesFor(0));
    }

    [Fact]
    public void A_range_past_the_end_or_negative_is_rejected_with_the_numbers()
    {
        var map = new FileMap([10, 10]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => map.Map(15, 6, new FileSlice[4]));
        Assert.Contains("15+6", e.Message);
        Assert.Contains("20 bytes", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Map(-1, 1, new FileSlice[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Map(0, -1, new FileSlice[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Map(long.MaxValue, 1, new FileSlice[4]));
    }

    [Fact]
    public void A_destination_too_small_is_an_argument_error()
    {
        var map = new FileMap([5, 5, 5]);
        var e = Assert.Throws<ArgumentException>(() => map.Map(0, 15, new FileSlice[2]));
        Assert.Contains("holds 2 slices", e.Message);
    }

    [Fact]
    public void Negative_file_lengths_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new FileMap([5, -1]));
        Assert.Contains("file 1", e.Message);
    }

    [Fact]
    public void A_torrent_of_only_empty_files_has_no_bytes()
    {
        var map = new FileMap([0, 0]);
        Assert.Equal(0, map.TotalLength);
        Assert.Empty(Map(map, 0, 0));
        Assert.Equal(0, map.MaxSlicesFor(100));
    }

    [Fact]
    public void MaxSlicesFor_counts_the_files_a_range_can_touch()
    {
        var map = new FileMap([100, 1, 1, 1, 100]);
        Assert.Equal(1, map.MaxSlicesFor(1));
        Assert.Equal(2, map.MaxSlicesFor(2));
        Assert.Equal(3, map.MaxSlicesFor(3));
        Assert.Equal(4, map.MaxSlicesFor(4));
        Assert.Equal(5, map.MaxSlicesFor(5));
        Assert.Equal(5, map.MaxSlicesFor(1000));
    }

    [Fact]
    public void FilesOfPiece_names_the_first_and_last_files_holding_the_piece()
    {
        var map = new FileMap([30, 0, 50, 20]);
        var layout = new TorrentLayout(100, 40);
        Assert.Equal((0, 2), map.FilesOfPiece(layout, 0));
        Assert.Equal((2, 2), map.FilesOfPiece(layout, 1));
        Assert.Equal((3, 3), map.FilesOfPiece(layout, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.FilesOfPiece(layout, 3));
        Assert.Throws<ArgumentException>(() => map.FilesOfPiece(new TorrentLayout(99, 40), 0));
    }

    [Fact]
    public void Random_layouts_map_every_range_exactly_in_order_without_overlap()
    {
        var random = new Random(3);
        for (var round = 0; round < 300; round++)
        {
            var lengths = new long[random.Next(1, 15)];
            for (var i = 0; i < lengths.Length; i++)
                lengths[i] = random.Next(4) == 0 ? 0 : random.Next(1, random.Next(2) == 0 ? 8 : 500);
            var map = new FileMap(lengths);
            Assert.Equal(lengths.Sum(), map.TotalLength);
            if (map.TotalLength == 0) continue;
            for (var probe = 0; probe < 40; probe++)
            {
                var offset = random.NextInt64(map.TotalLength);
                var length = (int)random.NextInt64(map.TotalLength - offset + 1);
                var slices = Map(map, offset, length);
                Assert.True(slices.Length <= map.MaxSlicesFor(length));
                var expectedBuffer = 0;
                var lastFile = -1;
                foreach (var slice in slices)
                {
                    Assert.True(slice.Length > 0);
                    Assert.True(slice.FileIndex > lastFile, "slices out of order or repeated");
                    Assert.Equal(expectedBuffer, slice.BufferOffset);
                    Assert.True(slice.FileOffset >= 0 && slice.FileOffset + slice.Length <= lengths[slice.FileIndex]);
                    Assert.Equal(offset + slice.BufferOffset, map.FileStart(slice.FileIndex) + slice.FileOffset);
                    if (lastFile >= 0)
                    {
                        Assert.Equal(0, slice.FileOffset); // later slices start at their file's beginning
                        for (var skipped = lastFile + 1; skipped < slice.FileIndex; skipped++) Assert.Equal(0, lengths[skipped]);
                    }
                    expectedBuffer += slice.Length;
                    lastFile = slice.FileIndex;
                }
                Assert.Equal(length, expectedBuffer);
            }
            for (var length = 0; length <= Math.Min(60, map.TotalLength); length++)
                Assert.Equal(BruteForceMaxSlices(map, length), map.MaxSlicesFor(length));
            var pieceLength = random.Next(1, 300);
            var layout = new TorrentLayout(map.TotalLength, pieceLength);
            for (var piece = 0; piece < layout.PieceCount; piece++)
            {
                var slices = Map(map, layout.PieceOffset(piece), layout.PieceSize(piece));
                Assert.Equal((slices[0].FileIndex, slices[^1].FileIndex), map.FilesOfPiece(layout, piece));
            }
        }
    }

    private static int BruteForceMaxSlices(FileMap map, int length)
    {
        var max = 0;
        var buffer = new FileSlice[map.FileCount];
        for (long offset = 0; offset + length <= map.TotalLength; offset++)
            max = Math.Max(max, map.Map(offset, length, buffer));
        return max;
    }
}
