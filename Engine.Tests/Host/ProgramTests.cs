using Engine.Tests.Support;

namespace Engine.Tests.Host;

[Collection(ConsoleCollection.Name)]
public class ProgramTests
{
    [Fact]
    public async Task Unknown_command_is_a_one_line_error_with_non_zero_exit()
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            var code = await Engine.Host.Program.Main(["frobnicate"]);
            Assert.Equal(1, code);
        }
        finally { Console.SetError(old); }
        Assert.StartsWith("error: unknown command 'frobnicate'", err.ToString());
        Assert.Single(err.ToString().TrimEnd().Split('\n'));
    }

    [Fact]
    public void Shared_corpus_is_reachable_from_the_tests()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Corpus, "MANIFEST.tsv")));
    }
}
