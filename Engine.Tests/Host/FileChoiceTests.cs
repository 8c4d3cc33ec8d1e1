using Engine.Api;
using Engine.Host.Commands;

namespace Engine.Tests.Host;

public class FileChoiceTests
{
    [Fact]
    public void Download_files_keeps_only_the_listed_files()
    {
        var files = DownloadArguments.Parse("x.torrent", "--files", "0,2-3").Files!;
        Assert.Equal([FilePriority.Normal, FilePriority.Skip, FilePriority.Normal, FilePriority.Normal, FilePriority.Skip], files.For(5));
    }

    [Fact]
    public void Download_skip_skips_the_listed_files()
    {
        var files = DownloadArguments.Parse("x.torrent", "--skip", "1").Files!;
        Assert.Equal([FilePriority.Normal, FilePriority.Skip, FilePriority.Normal], files.For(3));
    }

    [Fact]
    public void Files_without_a_list_only_shows_each_files_progress()
    {
        var args = DownloadArguments.Parse("x.torrent", "--files");
        Assert.Null(args.Files);
        Assert.True(args.Session.Output.Files);
        Assert.True(DownloadArguments.Parse("x.torrent", "--files", "1").Session.Output.Files);
    }

    [Fact]
    public void Without_either_option_every_file_is_wanted()
        => Assert.Null(DownloadArguments.Parse("x.torrent").Files);

    [Theory]
    [InlineData("--files", "1-x", "--files:")]
    [InlineData("--skip", "3-1", "--skip:")]
    public void A_malformed_list_is_a_usage_error(string option, string value, string message)
        => Assert.Contains(message, Assert.Throws<UsageException>(() => DownloadArguments.Parse("x.torrent", option, value)).Message);

    [Fact]
    public void Files_and_skip_together_are_refused()
        => Assert.Throws<UsageException>(() => DownloadArguments.Parse("x.torrent", "--files", "1", "--skip", "2"));

    [Fact]
    public void An_index_past_the_torrents_files_is_named()
        => Assert.Contains("file 7 does not exist, the torrent has 3 files", Assert.Throws<CommandLineException>(() => new FileChoice([7], Only: true).For(3)).Message);

    [Fact]
    public void For_a_magnet_files_becomes_its_so_and_skip_is_refused()
    {
        Assert.EndsWith("&so=0,2-4", new FileChoice([0, 2, 3, 4], Only: true).ForMagnet("magnet:?xt=urn:btih:" + new string('a', 40)));
        Assert.Throws<CommandLineException>(() => new FileChoice([1], Only: false).ForMagnet("magnet:?xt=urn:btih:" + new string('a', 40)));
    }
}
