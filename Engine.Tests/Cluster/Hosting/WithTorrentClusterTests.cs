using Akka.Actor;
using Akka.Hosting;
using Engine.Cluster.Api;
using Engine.Cluster.Hosting;
using Engine.Core.Cluster;
using Engine.Tests.Api;
using Engine.Tests.Cluster.Api;
using Engine.Tests.Interop;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Tests.Cluster.Hosting;

/// <summary>Akka.Hosting: two real hosts, each running a node in its own app ActorSystem, form a cluster on 127.0.0.1.</summary>
public sealed class WithTorrentClusterTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-akka-hosting");

    public void Dispose() => _dir.Dispose();

    private IHost Host(int i, IReadOnlyList<string> seeds) => new HostBuilder().ConfigureServices(services =>
    {
        services.AddAkka("app", b => b.WithTorrentCluster(new TorrentClusterOptions
        {
            Port = 0,
            Seeds = seeds,
            DataDirectory = _dir.Sub("node-" + i),
            Engine = ApiTestEngines.Options(_dir.Sub($"node-{i}-state")),
            DownUnreachableAfter = TimeSpan.FromSeconds(3),
            RefreshInterval = TimeSpan.FromMilliseconds(500),
        }));
        services.AddTorrentClusterOfAkka();
    }).Build();

    [Fact]
    public async Task Two_hosts_with_WithTorrentCluster_form_a_cluster_in_their_own_systems_and_replicate_a_torrent()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "hosted-data", 1024 * 1024, fileCount: 1, pieceLength: 64 * 1024);
        await using var seeder = ApiTestEngines.Create(_dir.Sub("seeder-state"));
        var seeding = await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(Engine.Events.TorrentState.Seeding);

        using var first = Host(0, []);
        await first.StartAsync();
        var a = first.Services.GetRequiredService<TorrentCluster>();
        using var second = Host(1, ["127.0.0.1:" + a.Port]);
        try
        {
            await second.StartAsync();
            var b = second.Services.GetRequiredService<TorrentCluster>();

            // The node lives in the app's system (named "app"), its actor in Akka.Hosting's registry.
            var system = first.Services.GetRequiredService<ActorSystem>();
            Assert.Same(system, a.ClusterSystem);
            Assert.StartsWith("akka.tcp://app@127.0.0.1:", a.Node);
            Assert.True(ActorRegistry.For(system).TryGet<TorrentCluster>(out _));
            await ClusterTestNodes.WaitAsync(async () => (await a.GetMembersAsync()).Count == 2 && (await b.GetMembersAsync()).Count == 2, Bound, "two members Up");

            var hash = await b.AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 2, sources: [seeder.ListenEndPoint!]);
            await ClusterTestNodes.WaitAsync(async () =>
            {
                var t = (await a.ListAsync()).SingleOrDefault(x => x.InfoHash == hash);
                return t is not null && t.Holders.Count(h => h.IsComplete) == 2;
            }, Bound, "two complete replicas, seen from the other host");
            Assert.Equal(ReplicaPlacement.Place(hash, [a.Node, b.Node], 2).Order(StringComparer.Ordinal), new[] { a.Node, b.Node }.Order(StringComparer.Ordinal));
            DirectoryComparer.AssertIdentical(Path.Combine(Path.GetDirectoryName(torrent.TorrentPath)!, "seed", torrent.Name),
                Path.Combine(_dir.Sub("node-0"), "torrents", hash.ToHex(), torrent.Name));
        }
        finally
        {
            await second.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await first.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.True(a.WhenStopped.IsCompleted || await Task.WhenAny(a.WhenStopped, Task.Delay(10_000)) == a.WhenStopped, "the node stopped with its host");
    }

    [Fact]
    public async Task With_Join_false_the_node_stays_out_until_something_else_joins_it()
    {
        using var host = new HostBuilder().ConfigureServices(services =>
        {
            services.AddAkka("app", b => b.WithTorrentCluster(new TorrentClusterOptions
            {
                Port = 0,
                Join = false,
                DataDirectory = _dir.Sub("alone"),
                Engine = ApiTestEngines.Options(_dir.Sub("alone-state")),
            }));
            services.AddTorrentClusterOfAkka();
        }).Build();
        await host.StartAsync();
        try
        {
            var node = host.Services.GetRequiredService<TorrentCluster>();
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Empty(await node.GetMembersAsync());
            var cluster = Akka.Cluster.Cluster.Get(host.Services.GetRequiredService<ActorSystem>());
            cluster.Join(cluster.SelfAddress); // what Cluster Bootstrap would do
            await ClusterTestNodes.WaitAsync(async () => (await node.GetMembersAsync()).SequenceEqual([node.Node]), Bound, "the node Up once joined");
        }
        finally { await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)); }
    }

    [Fact]
    public void Join_false_with_seeds_is_refused() =>
        Assert.Contains("joins nothing", Assert.Throws<ArgumentException>(() => TorrentCluster.Start(new TorrentClusterOptions
        {
            Join = false, Seeds = ["127.0.0.1:4053"], DataDirectory = "/tmp/never-created",
        })).Message);
}
