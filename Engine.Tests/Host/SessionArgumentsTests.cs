using System.Net;
using Engine.Host.Commands;

namespace Engine.Tests.Host;

/// <summary>The options <c>download</c> and <c>seed</c> share, <c>--web</c> and <c>--web-bind</c> among them.</summary>
public sealed class SessionArgumentsTests
{
    private static SessionArguments Download(params string[] args) => DownloadArguments.Parse(["x.torrent", .. args]).Session;

    private static SessionArguments Seed(params string[] args) => SeedArguments.Parse(["x.torrent", "--data", "d", .. args]).Session;

    [Fact]
    public void Without_web_there_is_no_web_ui_and_with_it_the_ui_listens_on_loopback_unless_told_otherwise()
    {
        Assert.Null(Download().WebPort);
        Assert.Null(Seed().WebPort);
        foreach (var parse in new Func<string[], SessionArguments>[] { Download, Seed })
        {
            var local = parse(["--web", "8080"]);
            Assert.Equal(8080, local.WebPort);
            Assert.Equal(IPAddress.Loopback, local.WebAddress);
            var any = parse(["--web", "0", "--web-bind", "0.0.0.0"]);
            Assert.Equal(0, any.WebPort);
            Assert.Equal(IPAddress.Any, any.WebAddress);
        }
    }

    [Theory]
    [InlineData(new[] { "--web" }, "--web needs a value")]
    [InlineData(new[] { "--web", "70000" }, "--web: '70000' is not a port (0-65535; 0 picks a free one)")]
    [InlineData(new[] { "--web", "http" }, "--web: 'http' is not a port")]
    [InlineData(new[] { "--web", "-1" }, "--web: '-1' is not a port")]
    [InlineData(new[] { "--web", "8080", "--web-bind", "here" }, "--web-bind: 'here' is not an IP address")]
    [InlineData(new[] { "--web-bind", "127.0.0.1" }, "--web-bind goes with --web <port>")]
    public void Bad_web_options_are_one_clear_error_for_download_and_seed(string[] args, string message)
    {
        Assert.StartsWith(message, Assert.Throws<CommandLineException>(() => Download(args)).Message);
        Assert.StartsWith(message, Assert.Throws<CommandLineException>(() => Seed(args)).Message);
    }

    [Fact]
    public void Both_commands_read_the_shared_options_alike_and_map_them_onto_the_public_engine_options()
    {
        string[] args = ["--port", "0", "--bind", "127.0.0.1", "--max-peers", "7", "--max-upload", "64", "--peer", "127.0.0.1:7000",
            "--peer", "10.0.0.2:7001", "--status-interval", "250", "--web", "0"];
        var download = Download(args);
        var seed = Seed(args);
        Assert.Equal(download with { Peers = seed.Peers }, seed);
        Assert.Equal([IPEndPoint.Parse("127.0.0.1:7000"), IPEndPoint.Parse("10.0.0.2:7001")], seed.Peers);
        Assert.Equal(TimeSpan.FromMilliseconds(250), seed.StatusInterval);

        var engine = seed.EngineOptions("state");
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), engine.ListenOn);
        Assert.Equal("state", engine.StateDirectory);
        Assert.Equal(7, engine.MaxConnectionsPerTorrent);
        Assert.Equal(64 * 1024, engine.UploadLimit);
        Assert.Null(engine.DownloadLimit);
        Assert.Equal(2048 * 1024, Download("--max-download", "2048").EngineOptions("s").DownloadLimit);
    }

    [Fact]
    public void Download_keeps_its_state_beside_the_data_unless_given_a_resume_directory()
    {
        Assert.Equal(Path.Combine("out", ".resume"), DownloadArguments.Parse(["x.torrent", "-o", "out"]).StateDirectory);
        Assert.Equal("r", DownloadArguments.Parse(["x.torrent", "-o", "out", "--resume-dir", "r"]).StateDirectory);
    }

    [Theory]
    [InlineData("download", "--frob", "unknown option '--frob'; usage: download <file.torrent>")]
    [InlineData("download", "y.torrent", "download takes one .torrent file")]
    [InlineData("seed", "--frob", "unknown option '--frob'; usage: seed <file.torrent> --data <dir>")]
    [InlineData("seed", "y.torrent", "seed takes one .torrent file")]
    public void Unknown_options_and_a_second_torrent_are_named(string command, string extra, string message)
    {
        Func<SessionArguments> parse = command == "download" ? () => Download(extra) : () => Seed(extra);
        Assert.StartsWith(message, Assert.Throws<CommandLineException>(parse).Message);
    }
}
