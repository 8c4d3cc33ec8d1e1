using System.Net;
using Engine.Host.Commands;
using Engine.Tests.Interop;

namespace Engine.Tests.Host;

/// <summary><c>tracker</c>'s cluster settings from the <c>--config</c> file's "TrackerCluster" section, under the command line.</summary>
[Collection(TrackerCommandTests.SecretVariableCollection)]
public sealed class TrackerClusterConfigTests : IDisposable
{
    private readonly TempDir _dir = new("tracker-cluster-config");

    public void Dispose() => _dir.Dispose();

    private string Config(string json)
    {
        var path = Path.Combine(_dir.FullPath, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string Full = """
        { "UploadLimit": 100000,
          "TrackerCluster": { "Port": 4155, "Host": "127.0.0.2", "Seeds": ["127.0.0.1:4154", "127.0.0.1:4156"],
                              "Secret": "a secret from the config file", "DownAfter": "5s" } }
        """;

    [Fact]
    public void The_config_files_TrackerCluster_section_makes_the_tracker_a_cluster_node_with_its_settings()
    {
        var cluster = TrackerCommand.ParseServe(["--config", Config(Full), "--udp", "6971"]).Cluster;
        Assert.NotNull(cluster);
        Assert.Equal(("127.0.0.2", 4155, "a secret from the config file"), (cluster.Host, cluster.Port, cluster.Secret));
        Assert.Equal(["127.0.0.1:4154", "127.0.0.1:4156"], cluster.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(5), cluster.DownUnreachableAfter);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6971), cluster.Udp);
    }

    [Fact]
    public void The_command_line_wins_over_the_file_key_by_key()
    {
        var cluster = TrackerCommand.ParseServe(["--config", Config(Full), "--udp", "0", "--cluster-port", "5000", "--cluster-host", "127.0.0.3",
            "--cluster-seed", "127.0.0.1:5001", "--cluster-secret", "a secret on the command line", "--down-after", "7s"]).Cluster!;
        Assert.Equal(("127.0.0.3", 5000, "a secret on the command line"), (cluster.Host, cluster.Port, cluster.Secret));
        Assert.Equal(["127.0.0.1:5001"], cluster.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(7), cluster.DownUnreachableAfter);
        var partly = TrackerCommand.ParseServe(["--config", Config(Full), "--udp", "0", "--cluster-port", "5000"]).Cluster!;
        Assert.Equal(("127.0.0.2", 5000, "a secret from the config file"), (partly.Host, partly.Port, partly.Secret));
    }

    [Fact]
    public void A_file_without_the_section_leaves_the_tracker_alone_and_one_seed_may_be_a_string()
    {
        Assert.Null(TrackerCommand.ParseServe(["--config", Config("""{ "UploadLimit": 100000 }"""), "--http", "0"]).Cluster);
        var one = TrackerCommand.ParseServe(["--config", Config("""{ "TrackerCluster": { "Port": 4155, "Seeds": "10.0.0.1:4154", "Secret": "0123456789abcdefXYZ" } }"""), "--http", "0"]);
        Assert.Equal(["10.0.0.1:4154"], one.Cluster!.Seeds);
        Assert.Equal("127.0.0.1", one.Cluster.Host); // --bind's default, as without a file
    }

    [Theory]
    [InlineData("""{ "TrackerCluster": { "Port": "lots", "Secret": "0123456789abcdefXYZ" } }""", "TrackerCluster:Port: 'lots' is not a port")]
    [InlineData("""{ "TrackerCluster": { "Port": 4155, "Host": "here", "Secret": "0123456789abcdefXYZ" } }""", "TrackerCluster:Host: 'here' is not an IP address")]
    [InlineData("""{ "TrackerCluster": { "Port": 4155, "Seeds": ["nowhere"], "Secret": "0123456789abcdefXYZ" } }""", "TrackerCluster:Seeds: 'nowhere' is not host:port")]
    [InlineData("""{ "TrackerCluster": { "Port": 4155, "DownAfter": "never", "Secret": "0123456789abcdefXYZ" } }""", "TrackerCluster:DownAfter: 'never' is not a duration")]
    [InlineData("""{ "TrackerCluster": { "Port": 4155, "Secret": "short" } }""", "--cluster-secret: a tracker cluster needs a secret of at least 16 characters")]
    [InlineData("""{ "TrackerCluster": { "Seeds": ["127.0.0.1:4154"] } }""", "the TrackerCluster section needs a Port (or give --cluster-port)")]
    public void Bad_settings_in_the_file_are_one_line_errors_naming_the_key(string json, string message) =>
        Assert.Contains(message, Assert.ThrowsAny<CommandLineException>(() => TrackerCommand.ParseServe(["--config", Config(json), "--http", "0"])).Message);
}
