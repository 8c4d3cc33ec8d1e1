using Engine.Cluster.Api;
using Microsoft.Extensions.Hosting;

namespace Engine.Cluster.Hosting;

/// <summary>The hosted service behind <see cref="TorrentClusterHosting.AddTorrentCluster"/>: starts the node once, leaves at stop.</summary>
internal sealed class TorrentClusterService(TorrentClusterOptions options) : IHostedService, IAsyncDisposable
{
    private readonly Lazy<TorrentCluster> _cluster = new(() => TorrentCluster.Start(options), LazyThreadSafetyMode.ExecutionAndPublication);

    public TorrentCluster Cluster => _cluster.Value;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = _cluster.Value;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _cluster.IsValueCreated ? _cluster.Value.StopAsync() : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_cluster.IsValueCreated) await _cluster.Value.DisposeAsync().ConfigureAwait(false);
    }
}
