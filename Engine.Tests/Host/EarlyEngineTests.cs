using Engine.Host.Cli;

namespace Engine.Tests.Host;

public class EarlyEngineTests
{
    [Theory]
    [InlineData(true, "download", "x.torrent")]
    [InlineData(true, "seed", "x.torrent", "--data", "d")]
    [InlineData(true, "--verbose", "download", "x.torrent")]
    [InlineData(false, "info", "x.torrent")]
    [InlineData(false, "create", "dir")]
    [InlineData(false, "download", "--help")]
    [InlineData(false)]
    public async Task Only_the_commands_that_start_an_engine_at_once_get_one_early(bool early, params string[] args)
    {
        await using var started = EarlyEngine.For(args);
        Assert.Equal(early, started is not null);
    }

    [Fact]
    public async Task A_download_that_fails_before_its_engine_starts_ends_the_early_system_and_says_why()
    {
        var (code, _, err) = await InProcessHost.RunAsync("download", Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".torrent")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", err);
    }
}
