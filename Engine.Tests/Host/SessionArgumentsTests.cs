using System.Net;
using Engine.Host.Cli;
using Engine.Host.Commands;

namespace Engine.Tests.Host;

/// <summary>The options <c>download</c> and <c>seed</c> share, <c>--web</c> and <c>--web-bind</c> among them.</summary>
public sealed class SessionArgumentsTests
{
    private static SessionArguments Download(params string[] args) => DownloadArguments.Parse(["x.torrent", .. args]).Session;

    private static SessionArguments Seed(params string[] args) => SeedCommand.Parse(["x.torrent", "--data", "d", .. args]).Session;

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
    [InlineData(new[] { "--web" }, "Required argument missing for option: '--web'")]
    [InlineData(new[] { "--web", "70000" }, "--web: '70000' is not a port (0-65535; 0 picks a free one)")]
    [InlineData(new[] { "--web", "http" }, "--web: 'http' is not a port")]
    [InlineData(new[] { "--web", "-1" }, "--web: '-1' is not a port")]
    [InlineData(new[] { "--web", "8080", "--web-bind", "here" }, "--web-bind: 'here' is not an IP address")]
    [InlineData(new[] { "--web-bind", "127.0.0.1" }, "--web-bind goes with --web <port>")]
    [InlineData(new[] { "--port", "7000-6000" }, "--port: '7000-6000' is not a port or a range of ports")]
    [InlineData(new[] { "--status-interval", "10" + "x" }, "--status-interval: '10x' is not a duration")]
    public void Bad_options_are_one_clear_error_for_download_and_seed(string[] args, string message)
    {
        Assert.StartsWith(message, Assert.Throws<UsageException>(() => Download(args)).Message);
        Assert.StartsWith(message, Assert.Throws<UsageException>(() => Seed(args)).Message);
    }

    [Fact]
    public void Both_commands_read_the_shared_options_alike_and_map_them_onto_the_public_engine_options()
    {
        string[] args = ["--port", "0", "--bind", "127.0.0.1", "--max-peers", "7", "--max-upload", "64k", "--peer", "127.0.0.1:7000",
            "--peer", "10.0.0.2:7001", "--status-interval", "250ms", "--web", "0"];
        var download = Download(args);
        var seed = Seed(args);
        Assert.Equal(download.Listen, seed.Listen);
        Assert.Equal(download.Transfer, seed.Transfer);
        Assert.Equal([IPEndPoint.Parse("127.0.0.1:7000"), IPEndPoint.Parse("10.0.0.2:7001")], seed.Peers);
        Assert.Equal(TimeSpan.FromMilliseconds(250), seed.StatusInterval);

        var engine = seed.EngineOptions();
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), engine.ListenOn);
        Assert.Equal(7, engine.MaxConnectionsPerTorrent);
        Assert.Equal(64 * 1024, engine.UploadLimit);
        Assert.Null(engine.DownloadLimit);
        Assert.Equal(2048 * 1024, Download("--max-download", "2048k").EngineOptions().DownloadLimit);
    }

    [Fact]
    public void The_peer_port_is_taken_from_6881_6999_by_default_and_the_next_free_one_is_used_when_one_is_taken()
    {
        var session = Download("--bind", "127.0.0.1");
        Assert.Equal(PortRange.Default, session.Listen!.Ports);
        Assert.Equal(new PortRange(6881, 6999), PortRange.Default);
        // A small range of which the first port is taken: the next one is picked.
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var range = new PortRange(port, Math.Min(65535, port + 20));
        var picked = range.Pick(IPAddress.Loopback);
        Assert.InRange(picked, port + 1, range.Last);
        // A single port is used as given (the engine then says whether it can listen there).
        Assert.Equal(port, new PortRange(port, port).Pick(IPAddress.Loopback));
    }

    [Fact]
    public void Download_keeps_its_state_in_the_host_state_directory_unless_given_a_resume_directory()
    {
        Assert.Null(DownloadArguments.Parse("x.torrent", "-o", "out").StateDirectory);
        Assert.Equal("r", DownloadArguments.Parse("x.torrent", "-o", "out", "--resume-dir", "r").StateDirectory);
        var settings = DownloadArguments.Parse("x.torrent", "--state-dir", "/tmp/st").Session.Settings;
        Assert.Equal("/tmp/st/resume", settings.Engine.StateDirectory);
    }

    [Fact]
    public void No_web_seeds_turns_the_torrents_web_seeds_off_for_download_and_seed()
    {
        Assert.True(DownloadArguments.Parse("x.torrent").Session.WebSeeds);
        Assert.False(DownloadArguments.Parse("x.torrent", "--no-web-seeds").Session.WebSeeds);
        Assert.False(SeedCommand.Parse("x.torrent", "--data", "d", "--no-web-seeds").Session.WebSeeds);
    }

    [Theory]
    [InlineData("download", "--frob", "Unrecognized command or argument '--frob'")]
    [InlineData("download", "y.torrent", "Unrecognized command or argument 'y.torrent'")]
    [InlineData("seed", "--frob", "Unrecognized command or argument '--frob'")]
    public void Unknown_options_and_a_second_torrent_are_named(string command, string extra, string message)
    {
        Func<SessionArguments> parse = command == "download" ? () => Download(extra) : () => Seed(extra);
        Assert.StartsWith(message, Assert.Throws<UsageException>(parse).Message);
    }
}
