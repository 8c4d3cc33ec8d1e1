using Engine.Host.Commands;

namespace Engine.Tests.Host;

public sealed class SeedOptionsTests
{
    [Fact]
    public void The_ratio_is_uploaded_bytes_over_the_torrent_size_and_stops_seeding_once_reached()
    {
        var limits = new SeedLimits(1.5, null);
        Assert.Null(limits.Reached(uploaded: 1499, totalBytes: 1000, TimeSpan.FromDays(1)));
        Assert.StartsWith("ratio 1.50 reached", limits.Reached(1500, 1000, TimeSpan.Zero));
    }

    [Fact]
    public void The_seed_time_stops_seeding_whichever_limit_comes_first()
    {
        var limits = new SeedLimits(10, TimeSpan.FromSeconds(30));
        Assert.Null(limits.Reached(0, 1000, TimeSpan.FromSeconds(29.9)));
        Assert.Equal("seeded for 30s (--seed-time 30s)", limits.Reached(0, 1000, TimeSpan.FromSeconds(30)));
        Assert.Null(SeedLimits.Forever.Reached(long.MaxValue, 1, TimeSpan.MaxValue));
        Assert.True(SeedLimits.Forever.IsForever);
    }

    [Fact]
    public void Download_takes_the_seeding_and_limit_options_in_the_shared_units_and_a_seed_limit_implies_seeding()
    {
        var args = DownloadArguments.Parse("x.torrent", "--max-upload", "100k", "--max-download", "2M", "--ratio", "2.5");
        Assert.True(args.Seed);
        Assert.Equal((100L * 1024, 2L * 1024 * 1024), (args.Transfer.UploadLimit, args.Transfer.DownloadLimit));
        Assert.Equal(new SeedLimits(2.5, null), args.Transfer.SeedLimits);
        var timed = DownloadArguments.Parse("x.torrent", "--seed-time", "5m");
        Assert.True(timed.Seed);
        Assert.Equal(TimeSpan.FromMinutes(5), timed.Transfer.SeedLimits.SeedTime);
        Assert.False(DownloadArguments.Parse("x.torrent").Seed);
        Assert.True(DownloadArguments.Parse("x.torrent", "--seed").Transfer.SeedLimits.IsForever);
        Assert.Null(DownloadArguments.Parse("x.torrent", "-U", "0").Transfer.UploadLimit);
    }

    [Theory]
    [InlineData("--ratio", "0", "--ratio: '0' is not a positive number")]
    [InlineData("--ratio", "abc", "--ratio: 'abc' is not a positive number")]
    [InlineData("--seed-time", "-5", "--seed-time: '-5' is not a duration")]
    [InlineData("--seed-time", "5 parsecs", "--seed-time: '5 parsecs' is not a duration")]
    [InlineData("--max-upload", "fast", "--max-upload: 'fast' is not a rate")]
    [InlineData("--max-download", "-1", "--max-download: '-1' is not a rate")]
    public void Bad_values_are_one_clear_usage_error(string option, string value, string message)
    {
        var e = Assert.Throws<UsageException>(() => DownloadArguments.Parse("x.torrent", option, value));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Seed_needs_a_torrent_and_a_data_directory_and_has_no_download_limit()
    {
        Assert.Contains("Required argument 'torrent' missing", Assert.Throws<UsageException>(() => SeedCommand.Parse()).Message);
        Assert.Contains("--data", Assert.Throws<UsageException>(() => SeedCommand.Parse("x.torrent")).Message);
        Assert.Contains("--max-download", Assert.Throws<UsageException>(() => SeedCommand.Parse("x.torrent", "--data", "d", "--max-download", "5")).Message);
        var ok = SeedCommand.Parse("x.torrent", "--data", "d", "--max-upload", "64k", "--seed-time", "5", "--peer", "127.0.0.1:7000", "--port", "0");
        Assert.Equal(64 * 1024, ok.Session.Transfer.UploadLimit);
        Assert.Equal(TimeSpan.FromSeconds(5), ok.Session.Transfer.SeedLimits.SeedTime);
        Assert.Single(ok.Session.Peers);
        Assert.Equal(Engine.Host.Cli.PortRange.Any, ok.Session.Listen!.Ports);
    }
}
