using Engine.Cluster.Formation;
using Engine.Host.Cli;
using Engine.Host.Commands;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Host;

/// <summary>
/// <c>node --cluster-discovery config</c> (and <c>tracker</c>'s): the service's endpoints in the <c>--config</c> file; three
/// real processes started at once form one cluster; a node whose endpoints all stay silent exits with one error line.
/// </summary>
public sealed class NodeDiscoveryCommandTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("node-discovery");
    private readonly ITestOutputHelper _output;

    public NodeDiscoveryCommandTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    private string Config(string json)
    {
        var path = Path.Combine(_dir.FullPath, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private string DiscoveryConfig(IEnumerable<int> ports) =>
        Config($$"""{ "ClusterDiscovery": { "Service": "torrents", "Endpoints": [{{string.Join(", ", ports.Select(p => $"\"127.0.0.1:{p}\""))}}] } }""");

    private string[] NodeArgs(int i, int port, string config) =>
        ["node", "--cluster-port", port.ToString(), "--data", _dir.Sub("node-" + i), "--port", "0", "--no-dht", "--no-lsd", "--status-interval", "1s",
            "--cluster-discovery", "config", "--config", config];

    [Fact]
    public async Task Three_node_processes_started_at_once_with_config_discovery_form_one_cluster()
    {
        var ports = FreePorts.Tcp(3);
        var config = DiscoveryConfig(ports);
        var nodes = new List<HostProcess>();
        try
        {
            for (var i = 0; i < 3; i++) nodes.Add(new HostProcess(_output, NodeArgs(i, ports[i], config)));
            var all = "members 3: " + string.Join(", ", ports.Select(p => "127.0.0.1:" + p).Order(StringComparer.Ordinal));
            foreach (var node in nodes) await node.WaitForLineAsync(all, Bound);
            Assert.All(nodes, n => Assert.Contains(n.Lines, l => l.Contains("looking for the cluster of service 'torrents' (config discovery) for up to 1m", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_node_whose_endpoints_stay_silent_exits_with_one_error_line_after_its_timeout()
    {
        var silent = FreePorts.Tcp(2);
        await using var node = new HostProcess(_output, [.. NodeArgs(0, FreePorts.Tcp(1)[0], DiscoveryConfig(silent)), "--cluster-discovery-timeout", "2s"]);
        Assert.Equal(1, await node.ExitCodeAsync(Bound));
        var error = Assert.Single(node.Lines, l => l.Contains("error: ", StringComparison.Ordinal));
        Assert.Contains("error: cluster discovery of 'torrents' (config) gave up: no cluster found or formed within 2 s: this node", error);
        Assert.Contains($"(127.0.0.1:{silent.Min()}, 127.0.0.1:{silent.Max()}): it only joins, and none answers; the node stops", error);
    }

    [Fact]
    public void Node_reads_discovery_from_its_options_and_the_config_file()
    {
        var config = Config("""{ "ClusterDiscovery": { "Service": "torrents", "Endpoints": ["10.0.0.1:4053", "10.0.0.2:4053"], "RequiredContacts": 2, "Timeout": "90s" } }""");
        var (node, _) = NodeCommand.Parse(["--data", _dir.Sub("d"), "--cluster-discovery", "config", "--config", config]);
        var d = node.Discovery!;
        Assert.Equal((ClusterDiscoveryOptions.Config, "torrents", 2, TimeSpan.FromSeconds(90)), (d.Method, d.Service, d.RequiredContacts, d.GiveUpAfter));
        Assert.Equal(["10.0.0.1:4053", "10.0.0.2:4053"], d.Endpoints);
        var over = NodeCommand.Parse(["--data", _dir.Sub("d"), "--cluster-discovery", "config", "--cluster-service", "other", "--cluster-discovery-timeout", "5s", "--config", config]).Node.Discovery!;
        Assert.Equal(("other", TimeSpan.FromSeconds(5)), (over.Service, over.GiveUpAfter));
        var k8s = NodeCommand.Parse(["--data", _dir.Sub("d"), "--cluster-discovery", "kubernetes-api", "--cluster-service", "torrents"]).Node.Discovery!;
        Assert.Equal((ClusterDiscoveryOptions.KubernetesApi, TimeSpan.FromMinutes(1)), (k8s.Method, k8s.GiveUpAfter));
        Assert.Empty(k8s.Endpoints);
        Assert.Null(NodeCommand.Parse(["--data", _dir.Sub("d"), "--config", config]).Node.Discovery); // the section alone does not switch it on
        var byFile = Config("""{ "ClusterDiscovery": { "Method": "config", "Service": "torrents", "Endpoints": "10.0.0.1:4053" } }""");
        Assert.Equal(["10.0.0.1:4053"], NodeCommand.Parse(["--data", _dir.Sub("d"), "--config", byFile]).Node.Discovery!.Endpoints);
    }

    [Theory]
    [InlineData("--cluster-discovery dns --cluster-service s", "'dns' is not a method")]
    [InlineData("--cluster-discovery config", "--cluster-service: name the service")]
    [InlineData("--cluster-discovery config --cluster-service s", "list the service's endpoints (host:port) in the --config file")]
    [InlineData("--cluster-service s", "go with --cluster-discovery")]
    [InlineData("--cluster-discovery kubernetes-api --cluster-service s --cluster-seed 127.0.0.1:4053", "exclude each other")]
    public void Node_refuses_discovery_it_cannot_run(string args, string error)
    {
        var e = Assert.Throws<UsageException>(() => NodeCommand.Parse(["--data", _dir.Sub("d"), .. args.Split(' ')]));
        Assert.Contains(error, e.Message);
    }

    [Theory]
    [InlineData("""{ "ClusterDiscovery": { "Endpoints": ["[::1]:4053"] } }""", "ClusterDiscovery:Endpoints: '[::1]:4053' is not host:port")]
    [InlineData("""{ "ClusterDiscovery": { "Endpoints": ["10.0.0.1"] } }""", "ClusterDiscovery:Endpoints: '10.0.0.1' is not host:port")]
    [InlineData("""{ "ClusterDiscovery": { "RequiredContacts": "0" } }""", "ClusterDiscovery:RequiredContacts: '0' is not")]
    [InlineData("""{ "ClusterDiscovery": { "Timeout": "soon" } }""", "ClusterDiscovery:Timeout: 'soon' is not")]
    public void A_malformed_ClusterDiscovery_section_is_one_error_naming_the_key(string json, string error)
    {
        var e = Assert.Throws<CommandLineException>(() => NodeCommand.Parse(["--data", _dir.Sub("d"), "--config", Config(json)]));
        Assert.Contains(error, e.Message);
    }

    [Fact]
    public void Tracker_cluster_nodes_take_the_same_discovery_options()
    {
        var config = Config("""{ "ClusterDiscovery": { "Service": "trackers", "Endpoints": ["127.0.0.1:4154"] } }""");
        var cluster = TrackerCommand.ParseServe(["--udp", "0", "--cluster-port", "4154", "--cluster-secret", "0123456789abcdefXYZ",
            "--cluster-discovery", "config", "--config", config]).Cluster!;
        Assert.Equal("trackers", cluster.Discovery!.Service);
        Assert.Equal(["127.0.0.1:4154"], cluster.Discovery.Endpoints);
        Assert.Empty(cluster.Seeds);
        Assert.Contains("need --cluster-port", Assert.Throws<UsageException>(() => TrackerCommand.ParseServe(["--udp", "0", "--cluster-discovery", "config", "--config", config])).Message);
        Assert.Contains("exclude each other", Assert.Throws<UsageException>(() => TrackerCommand.ParseServe(["--udp", "0", "--cluster-port", "4154",
            "--cluster-secret", "0123456789abcdefXYZ", "--cluster-seed", "127.0.0.1:1", "--cluster-discovery", "config", "--config", config])).Message);
    }
}
