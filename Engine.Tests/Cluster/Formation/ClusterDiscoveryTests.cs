using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Engine.Cluster.Api;
using Engine.Cluster.Formation;
using Engine.Cluster.Hosting;
using Engine.Cluster.Trackers;
using Engine.Tests.Api;
using Engine.Tests.Cluster.Api;
using Engine.Tests.Cluster.Trackers;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Engine.TrackerServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Engine.Tests.Cluster.Formation;

/// <summary>
/// Nodes without seeds that find each other through Akka.Discovery's config method on 127.0.0.1: started at once they
/// form one cluster (torrent nodes, tracker nodes, Akka.Hosting apps); a node whose service lists nothing that answers
/// gives up after its bound with one line.
/// </summary>
public sealed class ClusterDiscoveryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-discovery");
    private readonly ITestOutputHelper _output;

    public ClusterDiscoveryTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    private static ClusterDiscoveryOptions Discovery(IEnumerable<int> ports, int required = 1, TimeSpan? giveUp = null) => new()
    {
        Service = "torrents",
        Endpoints = ports.Select(p => "127.0.0.1:" + p).ToList(),
        RequiredContacts = required,
        GiveUpAfter = giveUp ?? Bound,
    };

    private TorrentClusterOptions Node(int i, int port, ClusterDiscoveryOptions discovery) => new()
    {
        Port = port,
        DataDirectory = _dir.Sub("node-" + i),
        Engine = ApiTestEngines.Options(_dir.Sub($"node-{i}-state")),
        DownUnreachableAfter = TimeSpan.FromSeconds(3),
        RefreshInterval = TimeSpan.FromMilliseconds(500),
        Discovery = discovery,
    };

    /// <param name="required">Contact points that must answer before the lowest forms (1: any start order works; 3: all of them).</param>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Three_nodes_started_at_once_with_config_discovery_form_one_cluster(int required)
    {
        var ports = FreePorts.Tcp(3);
        var clock = Stopwatch.StartNew();
        var starting = Enumerable.Range(0, 3).Select(i => Task.Run(() => TorrentCluster.Start(Node(i, ports[i], Discovery(ports, required))))).ToList();
        var nodes = new List<TorrentCluster>();
        try
        {
            foreach (var s in starting) nodes.Add(await s);
            await Task.WhenAll(nodes.Select(n => n.WhenUp)).WaitAsync(Bound);
            await ClusterTestNodes.WaitAsync(async () =>
            {
                var lists = await Task.WhenAll(nodes.Select(n => n.GetMembersAsync()));
                return lists.All(l => l.Count == 3 && l.SequenceEqual(lists[0]));
            }, Bound, "all three nodes Up in one cluster, seen alike from each");
            _output.WriteLine($"one cluster of 3 after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(ports.Select(p => $"akka.tcp://torrent-cluster@127.0.0.1:{p}").Order(StringComparer.Ordinal), await nodes[2].GetMembersAsync());

            // A fourth node listed nowhere but given the three as its service joins the cluster they formed.
            var late = TorrentCluster.Start(Node(3, 0, Discovery(ports)));
            nodes.Add(late);
            await late.WhenUp.WaitAsync(Bound);
            await ClusterTestNodes.WaitAsync(async () => (await nodes[0].GetMembersAsync()).Count == 4, Bound, "the fourth node Up");
        }
        finally
        {
            await Task.WhenAll(starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result).Union(nodes)
                .Select(n => n.StopAsync().WaitAsync(TimeSpan.FromSeconds(20))));
        }
    }

    [Fact]
    public async Task A_node_whose_service_lists_nothing_that_answers_gives_up_after_its_bound_with_one_line()
    {
        // Held (bound, never listening: a dial is refused) for the whole test, so no node of a test running beside this
        // one can take them: a free port picked and released here was once taken by one, and this node joined it.
        using var first = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        using var second = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        first.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        second.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        int[] silent = [((System.Net.IPEndPoint)first.LocalEndPoint!).Port, ((System.Net.IPEndPoint)second.LocalEndPoint!).Port];
        var clock = Stopwatch.StartNew();
        await using var node = TorrentCluster.Start(Node(0, 0, Discovery(silent, giveUp: TimeSpan.FromSeconds(3))));
        var e = await Assert.ThrowsAsync<ClusterDiscoveryException>(() => node.WhenUp.WaitAsync(TimeSpan.FromSeconds(30)));
        _output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20));
        Assert.StartsWith("cluster discovery of 'torrents' (config) gave up: no cluster found or formed within 3 s: this node", e.Message);
        Assert.Contains($"is not among the service's endpoints (127.0.0.1:{silent.Min()}, 127.0.0.1:{silent.Max()}): it only joins, and none answers", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(await node.GetMembersAsync());
    }

    /// <summary>
    /// A contact that claims to be in a cluster whose members never answer: the node joins them, goes back to looking
    /// when the join has not made it a member within 10 s, and at its bound gives up naming them.
    /// </summary>
    [Fact]
    public async Task Members_that_never_take_the_node_are_tried_until_the_bound_then_it_gives_up()
    {
        var ports = FreePorts.Tcp(3);
        var dead = $"akka.tcp://torrent-cluster@127.0.0.1:{ports[2]}";
        using var liar = ActorSystem.Create("torrent-cluster", ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = {{ports[0]}} }
            akka.loglevel = WARNING
            """));
        liar.ActorOf(Props.Create(() => new LyingMember(dead)), ClusterFormationActor.Name);
        var clock = Stopwatch.StartNew();
        await using var node = TorrentCluster.Start(Node(0, ports[1], Discovery(ports[..2], giveUp: TimeSpan.FromSeconds(12))));
        var e = await Assert.ThrowsAsync<ClusterDiscoveryException>(() => node.WhenUp.WaitAsync(TimeSpan.FromSeconds(60)));
        _output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
        Assert.Equal($"cluster discovery of 'torrents' (config) gave up: no cluster joined within 12 s: the cluster of {dead} did not take this node", e.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(40));
        await liar.Terminate();
    }

    private sealed class LyingMember : ReceiveActor
    {
        public LyingMember(string member) => Receive<ClusterFormationActor.Probe>(_ => Sender.Tell(new ClusterFormationActor.ProbeAnswer([member])));
    }

    [Fact]
    public async Task Kubernetes_discovery_outside_Kubernetes_gives_up_naming_the_failed_look_up()
    {
        Assert.Null(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")); // this machine is no pod
        await using var node = TorrentCluster.Start(Node(0, 0, new ClusterDiscoveryOptions
        {
            Method = ClusterDiscoveryOptions.KubernetesApi, Service = "torrents", GiveUpAfter = TimeSpan.FromSeconds(2),
        }));
        var e = await Assert.ThrowsAsync<ClusterDiscoveryException>(() => node.WhenUp.WaitAsync(TimeSpan.FromSeconds(30)));
        _output.WriteLine(e.Message);
        Assert.Contains("(kubernetes-api) gave up: no cluster found or formed within 2 s: the look-up failed: ", e.Message);
    }

    [Fact]
    public async Task Three_tracker_nodes_started_at_once_with_config_discovery_form_one_cluster()
    {
        var ports = FreePorts.Tcp(3);
        var starting = Enumerable.Range(0, 3).Select(i => Task.Run(() => TrackerCluster.Start(new TrackerClusterOptions
        {
            Port = ports[i],
            Secret = TrackerClusterNodes.Secret,
            Udp = new IPEndPoint(IPAddress.Loopback, 0),
            Shards = 16,
            DownUnreachableAfter = TimeSpan.FromSeconds(3),
            Tracker = new TrackerOptions { MaxTorrentFileBytes = 64 * 1024 },
            Discovery = Discovery(ports),
        }))).ToList();
        try
        {
            var nodes = await Task.WhenAll(starting);
            await Task.WhenAll(nodes.Select(n => n.WhenUp)).WaitAsync(Bound);
            await TrackerClusterNodes.WaitAsync(() => nodes.All(n => n.UpMembers == 3), Bound, "three tracker nodes Up on every node");
        }
        finally
        {
            await Task.WhenAll(starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result.StopAsync().WaitAsync(TimeSpan.FromSeconds(20))));
        }
    }

    [Fact]
    public async Task Two_Akka_Hosting_apps_with_WithTorrentCluster_and_config_discovery_form_one_cluster()
    {
        var ports = FreePorts.Tcp(2);
        var hosts = Enumerable.Range(0, 2).Select(i => new HostBuilder().ConfigureServices(services =>
        {
            services.AddAkka("app", b => b.WithTorrentCluster(Node(i, ports[i], Discovery(ports))));
            services.AddTorrentClusterOfAkka();
        }).Build()).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            var nodes = hosts.Select(h => h.Services.GetRequiredService<TorrentCluster>()).ToList();
            await Task.WhenAll(nodes.Select(n => n.WhenUp)).WaitAsync(Bound);
            await ClusterTestNodes.WaitAsync(async () => (await nodes[0].GetMembersAsync()).Count == 2 && (await nodes[1].GetMembersAsync()).Count == 2,
                Bound, "both apps Up in one cluster");
            Assert.StartsWith("akka.tcp://app@127.0.0.1:", nodes[0].Node);
        }
        finally
        {
            foreach (var h in hosts)
            {
                await h.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
                h.Dispose();
            }
        }
    }

    [Fact]
    public void Options_refuse_discovery_beside_seeds_or_without_joining_and_endpoints_that_are_no_host_port()
    {
        var discovery = Discovery([4001]);
        Assert.Contains("give no Seeds", Assert.Throws<ArgumentException>(() => TorrentCluster.Start(Node(0, 0, discovery) with { Seeds = ["127.0.0.1:1"] })).Message);
        Assert.Contains("leave Join true", Assert.Throws<ArgumentException>(() => TorrentCluster.Start(Node(0, 0, discovery) with { Join = false })).Message);
        Assert.Contains("host:port, got '[::1]:4001'", Assert.Throws<ArgumentException>(() => TorrentCluster.Start(Node(0, 0, discovery with { Endpoints = ["[::1]:4001"] }))).Message);
        Assert.Contains("are for config discovery", Assert.Throws<ArgumentException>(() =>
            TorrentCluster.Start(Node(0, 0, discovery with { Method = ClusterDiscoveryOptions.KubernetesApi }))).Message);
    }
}
