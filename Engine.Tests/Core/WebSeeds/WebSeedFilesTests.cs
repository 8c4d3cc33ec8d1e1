using Engine.Core.WebSeeds;

namespace Engine.Tests.Core.WebSeeds;

public class WebSeedFilesTests
{
    private static WebSeedFiles Single(string name, long length)
        => new(false, [[name]], [length], [false]);

    private static WebSeedFiles Multi(params (string[] Path, long Length, bool Padding)[] files)
        => new(true, files.Select(f => (IReadOnlyList<string>)f.Path).ToList(), files.Select(f => f.Length).ToList(), files.Select(f => f.Padding).ToList());

    [Fact]
    public void A_single_file_torrent_s_url_is_the_file_itself()
        => Assert.Equal("http://h/pub/movie.mkv", Single("other.mkv", 10).FileUrl("http://h/pub/movie.mkv", 0));

    [Fact]
    public void A_single_file_url_ending_with_a_slash_gets_the_torrent_name_appended()
        => Assert.Equal("http://h/pub/a%20b.iso", Single("a b.iso", 10).FileUrl("http://h/pub/", 0));

    [Fact]
    public void A_multi_file_url_is_the_directory_holding_the_name_directory_with_each_segment_escaped()
    {
        var files = Multi((["album", "cd 1", "track#1.flac"], 5, false), (["album", "ü.txt"], 5, false));
        Assert.Equal("http://h/pub/album/cd%201/track%231.flac", files.FileUrl("http://h/pub/", 0));
        Assert.Equal("http://h/pub/album/%C3%BC.txt", files.FileUrl("http://h/pub", 1)); // the missing '/' is added
    }

    [Fact]
    public void A_range_inside_one_file_is_one_request()
    {
        var ranges = new List<WebSeedRange>();
        Assert.Equal(1, Single("f", 1000).Plan(100, 200, ranges));
        Assert.Equal(new WebSeedRange(0, 100, 200, false), ranges[0]);
        Assert.Equal(299, ranges[0].LastByte);
    }

    [Fact]
    public void A_range_spanning_files_is_one_request_per_file_in_order_skipping_empty_files()
    {
        var files = Multi((["t", "a"], 100, false), (["t", "empty"], 0, false), (["t", "b"], 50, false), (["t", "c"], 100, false));
        var ranges = new List<WebSeedRange>();
        files.Plan(90, 100, ranges);
        Assert.Equal([new WebSeedRange(0, 90, 10, false), new WebSeedRange(2, 0, 50, false), new WebSeedRange(3, 0, 40, false)], ranges);
    }

    [Fact]
    public void A_padding_file_is_never_requested_but_filled_with_zeros()
    {
        var files = Multi((["t", "a"], 10, false), (["t", ".pad", "6"], 6, true), (["t", "b"], 10, false));
        var ranges = new List<WebSeedRange>();
        files.Plan(5, 15, ranges);
        Assert.Equal([new WebSeedRange(0, 5, 5, false), new WebSeedRange(1, 0, 6, true), new WebSeedRange(2, 0, 4, false)], ranges);
    }

    [Fact]
    public void Ranges_always_cover_exactly_the_bytes_asked_for()
    {
        var random = new Random(19);
        for (var round = 0; round < 200; round++)
        {
            var lengths = Enumerable.Range(0, random.Next(1, 8)).Select(_ => (long)random.Next(0, 300)).ToList();
            if (lengths.Sum() == 0) lengths[0] = 1;
            var files = new WebSeedFiles(true, lengths.Select((_, i) => (IReadOnlyList<string>)["t", $"f{i}"]).ToList(), lengths, lengths.Select(_ => false).ToList());
            var total = lengths.Sum();
            var offset = random.NextInt64(0, total);
            var length = (int)random.NextInt64(1, total - offset + 1);
            var ranges = new List<WebSeedRange>();
            files.Plan(offset, length, ranges);
            Assert.Equal(length, ranges.Sum(r => r.Length));
            var at = offset;
            foreach (var r in ranges)
            {
                var fileStart = lengths.Take(r.File).Sum();
                Assert.Equal(at, fileStart + r.FileOffset);
                Assert.InRange(r.LastByte, r.FileOffset, lengths[r.File] - 1);
                at += r.Length;
            }
        }
    }
}
