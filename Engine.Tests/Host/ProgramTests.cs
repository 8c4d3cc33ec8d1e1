using Engine.Tests.Support;

namespace Engine.Tests.Host;

public class ProgramTests
{
    [Fact]
    public async Task Unknown_command_is_a_usage_error_with_exit_code_2()
    {
        var (code, _, err) = await InProcessHost.RunAsync("frobnicate");
        Assert.Equal(2, code);
        Assert.StartsWith("error: Unrecognized command or argument 'frobnicate'", err);
    }

    [Theory]
    [InlineData("download", "x.torrent", "--web", "99999")]
    [InlineData("seed", "x.torrent", "--data", "d", "--web", "99999")]
    public async Task A_bad_web_port_is_a_usage_error_before_anything_starts(params string[] args)
    {
        var (code, _, err) = await InProcessHost.RunAsync(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: --web: '99999' is not a port (0-65535; 0 picks a free one)", err);
    }

    [Fact]
    public void Shared_corpus_is_reachable_from_the_tests()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Corpus, "MANIFEST.tsv")));
    }
}
