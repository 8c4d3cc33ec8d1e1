using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Engine.Cluster.Api;
using Engine.Cluster.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Cluster.Hosting;

/// <summary>
/// A cluster node in a Microsoft.Extensions.Hosting app: <c>services.AddTorrentCluster(options)</c>, then inject
/// <see cref="TorrentCluster"/>. The node starts with the host (or when first injected) and leaves the cluster when the host stops.
/// In an app that runs Akka through Akka.Hosting: <c>services.AddAkka("app", b => b.WithTorrentCluster(options))</c>
/// puts the node in the app's own ActorSystem, and <c>services.AddTorrentClusterOfAkka()</c> makes it injectable.
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

    /// <summary>
    /// Makes the ActorSystem a cluster member and starts a node in it when the system starts: the engine attached to the
    /// system, the node actor (also in the <see cref="ActorRegistry"/> under <see cref="TorrentCluster"/>), then a join of
    /// <see cref="TorrentClusterOptions.Seeds"/> (addressed with the app's system name: every node's app must use the
    /// same name). Sets the provider to cluster and adds the cluster's HOCON (remoting on the cluster port, keep-majority)
    /// in front of the app's. The node is reachable through <see cref="TorrentClusterExtension"/>; the system's
    /// coordinated shutdown (the host stopping) leaves the cluster and stops the engine.
    /// </summary>
    public static AkkaConfigurationBuilder WithTorrentCluster(this AkkaConfigurationBuilder builder, TorrentClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return builder
            .WithActorRefProvider(ProviderSelection.Cluster.Instance)
            .AddHocon(ConfigurationFactory.ParseString(ClusterHocon.ForEmbedded(options)), HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                var extension = TorrentClusterExtension.Get(system);
                TorrentCluster cluster;
                try { cluster = TorrentCluster.Attach(system, options); }
                catch (Exception e)
                {
                    extension.Failed(e);
                    throw;
                }
                registry.Register<TorrentCluster>(cluster.NodeActor);
                extension.Started(cluster);
            });
    }

    /// <summary>
    /// Makes the node that <see cref="WithTorrentCluster"/> starts in Akka.Hosting's ActorSystem injectable as
    /// <see cref="TorrentCluster"/> (resolve it once the host has started).
    /// </summary>
    public static IServiceCollection AddTorrentClusterOfAkka(this IServiceCollection services)
    {
        services.AddSingleton(sp => TorrentClusterExtension.Get(sp.GetRequiredService<ActorSystem>()).Cluster);
        return services;
    }
}
