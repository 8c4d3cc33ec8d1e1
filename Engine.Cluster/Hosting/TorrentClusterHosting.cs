using Engine.Cluster.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Cluster.Hosting;

/// <summary>
/// A cluster node in a Microsoft.Extensions.Hosting app: <c>services.AddTorrentCluster(options)</c>, then inject
/// <see cref="TorrentCluster"/>. The node starts with the host (or when first injected) and leaves the cluster when the host stops.
/// </summary>
public static class TorrentClusterHosting
{
    public static IServiceCollection AddTorrentCluster(this IServiceCollection services, TorrentClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(_ => new TorrentClusterService(options));
        services.AddHostedService(sp => sp.GetRequiredService<TorrentClusterService>());
        services.AddSingleton(sp => sp.GetRequiredService<TorrentClusterService>().Cluster);
        return services;
    }
}
