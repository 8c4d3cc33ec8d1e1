using Engine.Api;
using Engine.Host.Cli;
using Engine.Host.Commands;

namespace Engine.Tests.Host;

/// <summary><c>--dht-bootstrap</c>, <c>--no-dht</c>, <c>--no-pex</c>, <c>--no-lsd</c> on <c>download</c> and <c>seed</c>, over the config file's values.</summary>
public sealed class DiscoveryOptionsTests
{
    private static TorrentEngineOptions Download(params string[] args) => DownloadArguments.Parse(["x.torrent", .. args]).Session.EngineOptions();

    private static TorrentEngineOptions Seed(params string[] args) => SeedCommand.Parse(["x.torrent", "--data", "d", .. args]).Session.EngineOptions();

    [Fact]
    public void Everything_is_on_with_the_default_routers_unless_switched_off()
    {
        foreach (var parse in new Func<string[], TorrentEngineOptions>[] { Download, Seed })
        {
            var defaults = parse([]);
            Assert.True(defaults.Dht && defaults.Pex && defaults.Lsd);
            Assert.Null(defaults.DhtBootstrapNodes);
            var off = parse(["--no-dht", "--no-pex", "--no-lsd"]);
            Assert.False(off.Dht || off.Pex || off.Lsd);
            var onlyPex = parse(["--no-pex"]);
            Assert.True(onlyPex.Dht && onlyPex.Lsd);
            Assert.False(onlyPex.Pex);
        }
    }

    [Fact]
    public void Bootstrap_nodes_given_replace_the_defaults_in_the_order_given()
    {
        var options = Download("--dht-bootstrap", "10.0.0.5:6881", "--dht-bootstrap", "[::1]:7000", "--dht-bootstrap", "dht.example.org:6881");
        Assert.Equal(["10.0.0.5:6881", "[::1]:7000", "dht.example.org:6881"], options.DhtBootstrapNodes);
    }

    [Fact]
    public void A_config_files_switches_hold_unless_the_command_line_says_otherwise()
    {
        var dir = Directory.CreateTempSubdirectory("discovery-config-");
        try
        {
            var config = Path.Combine(dir.FullName, "engine.json");
            File.WriteAllText(config, """{ "Lsd": false, "DhtBootstrapNodes": ["192.0.2.1:6881"] }""");
            var fromFile = DownloadArguments.Parse("x.torrent", "--config", config).Session.EngineOptions();
            Assert.False(fromFile.Lsd);
            Assert.True(fromFile.Dht);
            Assert.Equal(["192.0.2.1:6881"], fromFile.DhtBootstrapNodes);
            Assert.False(DownloadArguments.Parse("x.torrent", "--config", config, "--no-dht").Session.EngineOptions().Dht);
            Assert.Equal(["192.0.2.2:6881"], DownloadArguments.Parse("x.torrent", "--config", config, "--dht-bootstrap", "192.0.2.2:6881").Session.EngineOptions().DhtBootstrapNodes);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Encryption_is_enabled_unless_the_command_line_or_the_config_file_says_otherwise()
    {
        Assert.Equal(EncryptionMode.Enabled, Download().Encryption);
        Assert.Equal(EncryptionMode.Required, Download("--encryption", "required").Encryption);
        Assert.Equal(EncryptionMode.Preferred, Seed("--encryption", "Preferred").Encryption);
        Assert.Contains("--encryption: 'rc4' is not disabled, enabled, preferred or required",
            Assert.ThrowsAny<CommandLineException>(() => Download("--encryption", "rc4")).Message);
    }

    [Fact]
    public void Port_mapping_is_on_unless_the_command_line_or_the_config_file_turns_it_off()
    {
        Assert.True(Download().PortMapping);
        Assert.True(Seed("--port-mapping").PortMapping);
        Assert.False(Download("--no-port-mapping").PortMapping);
        Assert.False(Seed("--no-port-mapping").PortMapping);
        var dir = Directory.CreateTempSubdirectory("port-mapping-config-");
        try
        {
            var config = Path.Combine(dir.FullName, "engine.json");
            File.WriteAllText(config, """{ "PortMapping": false }""");
            Assert.False(DownloadArguments.Parse("x.torrent", "--config", config).Session.EngineOptions().PortMapping);
            Assert.True(DownloadArguments.Parse("x.torrent", "--config", config, "--port-mapping").Session.EngineOptions().PortMapping);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Theory]
    [InlineData(new[] { "--dht-bootstrap", "router.example.org" }, "--dht-bootstrap: 'router.example.org' is not host:port")]
    [InlineData(new[] { "--dht-bootstrap", "10.0.0.1:70000" }, "--dht-bootstrap: '10.0.0.1:70000' is not host:port")]
    [InlineData(new[] { "--dht-bootstrap", ":6881" }, "--dht-bootstrap: ':6881' is not host:port")]
    [InlineData(new[] { "--dht-bootstrap", "10.0.0.1:6881", "--no-dht" }, "--dht-bootstrap and --no-dht contradict each other")]
    [InlineData(new[] { "--port-mapping", "--no-port-mapping" }, "--port-mapping and --no-port-mapping contradict each other")]
    public void Bad_discovery_options_are_one_clear_error(string[] args, string message) =>
        Assert.Contains(message, Assert.ThrowsAny<CommandLineException>(() => Download(args)).Message);
}
