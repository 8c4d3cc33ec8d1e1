using Engine.Tests.Support;

namespace Engine.Tests.Host;

[Collection(ConsoleCollection.Name)]
public class ProgramTests
{
    /// <summary>Runs <see cref="Engine.Host.Program.Main"/>; returns its exit code and what it wrote to stderr.</summary>
    private static async Task<(int Code, string Error)> MainAsync(params string[] args)
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            return (await Engine.Host.Program.Main(args), err.ToString());
        }
        finally { Console.SetError(old); }
    }

    [Fact]
    public async Task Unknown_command_is_a_one_line_error_with_non_zero_exit()
    {
        var (code, err) = await MainAsync("frobnicate");
        Assert.Equal(1, code);
        Assert.StartsWith("error: unknown command 'frobnicate'", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("download", "x.torrent", "--web", "99999")]
    [InlineData("seed", "x.torrent", "--data", "d", "--web", "99999")]
    public async Task A_bad_web_port_is_one_error_line_and_exit_code_1_before_anything_starts(params string[] args)
    {
        var (code, err) = await MainAsync(args);
        Assert.Equal(1, code);
        Assert.Equal("error: --web: '99999' is not a port (0-65535; 0 picks a free one)", err.TrimEnd());
    }

    [Fact]
    public void Shared_corpus_is_reachable_from_the_tests()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Corpus, "MANIFEST.tsv")));
    }
}
