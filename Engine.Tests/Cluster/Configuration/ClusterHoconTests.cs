using Akka.Configuration;
using Engine.Cluster.Api;
using Engine.Cluster.Configuration;
using Engine.Cluster.Formation;

namespace Engine.Tests.Cluster.Configuration;

public sealed class ClusterHoconTests
{
    [Theory]
    [InlineData("127.0.0.1:4053", "akka.tcp://torrent-cluster@127.0.0.1:4053")]
    [InlineData("node-1.example:9000", "akka.tcp://torrent-cluster@node-1.example:9000")]
    public void A_seed_given_as_host_and_port_becomes_an_akka_address(string seed, string address) =>
        Assert.Equal(address, ClusterHocon.SeedAddress(seed));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData(":4053")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:port")]
    public void A_seed_that_is_not_host_and_port_is_refused(string seed) =>
        Assert.Contains("host:port", Assert.Throws<ArgumentException>(() => ClusterHocon.SeedAddress(seed)).Message);

    [Fact]
    public void Config_discovery_writes_the_services_endpoints_where_Akka_Discovery_reads_them_and_shortens_the_gate()
    {
        var discovery = new ClusterDiscoveryOptions { Service = "torrents \"eu\"", Endpoints = ["10.1.1.1:5000", "node-2.example:5000"] };
        var options = new TorrentClusterOptions { DataDirectory = "/tmp/x", Discovery = discovery };
        foreach (var hocon in new[] { ClusterHocon.For(options), ClusterHocon.ForEmbedded(options), ClusterHocon.ForTracker("127.0.0.1", 0, [], 1, TimeSpan.FromSeconds(5), 1024, discovery) })
        {
            var config = ConfigurationFactory.ParseString(hocon);
            var service = config.GetConfig("akka.discovery.config.services").AsEnumerable().Single();
            Assert.Equal("torrents \"eu\"", service.Key);
            Assert.Equal(["10.1.1.1:5000", "node-2.example:5000"], config.GetConfig("akka.discovery.config.services").GetConfig(service.Key).GetStringList("endpoints"));
            Assert.Equal(TimeSpan.FromSeconds(1), config.GetTimeSpan("akka.remote.retry-gate-closed-for"));
            Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        }
        var k8s = ConfigurationFactory.ParseString(ClusterHocon.For(options with { Discovery = discovery with { Method = ClusterDiscoveryOptions.KubernetesApi, Endpoints = [] } }));
        Assert.False(k8s.HasPath("akka.discovery.config.services"));
        Assert.False(ConfigurationFactory.ParseString(ClusterHocon.For(options with { Discovery = null })).HasPath("akka.remote.retry-gate-closed-for"));
    }

    [Fact]
    public void The_configuration_runs_keep_majority_with_the_given_stable_time_and_the_seeds()
    {
        var config = ConfigurationFactory.ParseString(ClusterHocon.For(new TorrentClusterOptions
        {
            DataDirectory = "/tmp/x",
            Port = 5000,
            Seeds = ["10.1.1.1:5000", "10.1.1.2:5000"],
            DownUnreachableAfter = TimeSpan.FromSeconds(7),
        }));
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal(5000, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Contains("SplitBrainResolverProvider", config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal(["akka.tcp://torrent-cluster@10.1.1.1:5000", "akka.tcp://torrent-cluster@10.1.1.2:5000"], config.GetStringList("akka.cluster.seed-nodes"));
    }

    [Fact]
    public void A_durable_catalog_directory_makes_the_catalog_and_settings_keys_durable_in_a_file_store_there()
    {
        var options = new TorrentClusterOptions { DataDirectory = "/tmp/x", DurableCatalogDirectory = "/var/lib/node \"one\"/catalog" };
        var config = ConfigurationFactory.ParseString(ClusterHocon.For(options));
        Assert.Equal(["torrents", "settings"], config.GetStringList("akka.cluster.distributed-data.durable.keys"));
        Assert.Equal("/var/lib/node \"one\"/catalog", config.GetString("akka.cluster.distributed-data.durable.file-store.dir"));
        Assert.Contains("FileDurableStore", ConfigurationFactory.ParseString(ClusterHocon.ForEmbedded(options)).GetString("akka.cluster.distributed-data.durable.store-actor-class"));
        var inMemory = ConfigurationFactory.ParseString(ClusterHocon.For(options with { DurableCatalogDirectory = null }));
        Assert.False(inMemory.HasPath("akka.cluster.distributed-data.durable.keys"));
    }
}
