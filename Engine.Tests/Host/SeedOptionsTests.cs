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
        Assert.StartsWith("seeded for 30 s", limits.Reached(0, 1000, TimeSpan.FromSeconds(30)));
        Assert.Null(SeedLimits.Forever.Reached(long.MaxValue, 1, TimeSpan.MaxValue));
        Assert.True(SeedLimits.Forever.IsForever);
    }

    [Fact]
    public void Download_takes_the_seeding_and_limit_options_and_a_seed_limit_implies_seeding()
    {
        var args = DownloadArguments.Parse(["x.torrent", "--max-upload", "100", "--max-download", "2048", "--ratio", "2.5"]);
        Assert.True(args.Seed);
        Assert.Equal((100L * 1024, 2048L * 1024), (args.Transfer.UploadLimit, args.Transfer.DownloadLimit));
        Assert.Equal(new SeedLimits(2.5, null), args.Transfer.SeedLimits);
        var timed = DownloadArguments.Parse(["x.torrent", "--seed-time", "60"]);
        Assert.True(timed.Seed);
        Assert.Equal(TimeSpan.FromSeconds(60), timed.Transfer.SeedLimits.SeedTime);
        Assert.False(DownloadArguments.Parse(["x.torrent"]).Seed);
        Assert.True(DownloadArguments.Parse(["x.torrent", "--seed"]).Transfer.SeedLimits.IsForever);
    }

    [Theory]
    [InlineData("--ratio", "0", "--ratio must be a positive number")]
    [InlineData("--ratio", "abc", "--ratio must be a positive number")]
    [InlineData("--seed-time", "-5", "--seed-time must be a whole number of seconds")]
    [InlineData("--max-upload", "fast", "--max-upload must be a number of KiB/s")]
    [InlineData("--max-download", "-1", "--max-download must be a number of KiB/s")]
    public void Bad_values_are_one_clear_error(string option, string value, string message)
    {
        var e = Assert.Throws<CommandLineException>(() => DownloadArguments.Parse(["x.torrent", option, value]));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Seed_needs_a_torrent_and_a_data_directory_and_refuses_a_download_limit()
    {
        Assert.Contains("usage: seed", Assert.Throws<CommandLineException>(() => SeedArguments.Parse([])).Message);
        Assert.StartsWith("seed needs --data", Assert.Throws<CommandLineException>(() => SeedArguments.Parse(["x.torrent"])).Message);
        Assert.Contains("--max-download does not apply", Assert.Throws<CommandLineException>(
            () => SeedArguments.Parse(["x.torrent", "--data", "d", "--max-download", "5"])).Message);
        var ok = SeedArguments.Parse(["x.torrent", "--data", "d", "--max-upload", "64", "--seed-time", "5", "--peer", "127.0.0.1:7000", "--port", "0"]);
        Assert.Equal(64 * 1024, ok.Transfer.UploadLimit);
        Assert.Equal(TimeSpan.FromSeconds(5), ok.Transfer.SeedLimits.SeedTime);
        Assert.Single(ok.Session.Peers);
        Assert.Equal(0, ok.Session.Port);
    }
}
