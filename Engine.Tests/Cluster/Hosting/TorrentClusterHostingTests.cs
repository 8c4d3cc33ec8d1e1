using Engine.Cluster.Api;
using Engine.Cluster.Hosting;
using Engine.Tests.Api;
using Engine.Tests.Cluster.Api;
using Engine.Tests.Interop;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Tests.Cluster.Hosting;

public sealed class TorrentClusterHostingTests : IDisposable
{
    private readonly TempDir _dir = new("cluster-hosting");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AddTorrentCluster_runs_a_node_as_a_hosted_service_that_leaves_when_the_host_stops()
    {
        var services = new ServiceCollection();
        services.AddTorrentCluster(new TorrentClusterOptions
        {
            Port = 0,
            DataDirectory = _dir.Sub("node"),
            Engine = ApiTestEngines.Options(_dir.Sub("state")),
        });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var h in hosted) await h.StartAsync(CancellationToken.None);

        var node = provider.GetRequiredService<TorrentCluster>();
        await ClusterTestNodes.WaitAsync(async () => (await node.GetMembersAsync()).SequenceEqual([node.Node]), TimeSpan.FromSeconds(30), "the node Up alone");
        Assert.False(node.WhenStopped.IsCompleted);

        foreach (var h in Enumerable.Reverse(hosted)) await h.StopAsync(CancellationToken.None);
        Assert.True(node.WhenStopped.IsCompleted);
    }
}
