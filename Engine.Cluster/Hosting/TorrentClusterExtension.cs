using Akka.Actor;
using Engine.Cluster.Api;

namespace Engine.Cluster.Hosting;

/// <summary>
/// The <see cref="TorrentCluster"/> node that <see cref="TorrentClusterHosting.WithTorrentCluster"/> started in an ActorSystem:
/// <c>TorrentClusterExtension.Get(system).Cluster</c> (or <c>await ...WhenStarted</c>) from any code that has the system.
/// </summary>
public sealed class TorrentClusterExtension : IExtension
{
    private readonly TaskCompletionSource<TorrentCluster> _cluster = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the node has started (with its start-up error if it failed).</summary>
    public Task<TorrentCluster> WhenStarted => _cluster.Task;

    /// <summary>The node; throws when it has not started (yet).</summary>
    public TorrentCluster Cluster => _cluster.Task.IsCompletedSuccessfully
        ? _cluster.Task.Result
        : throw new InvalidOperationException("no torrent cluster node has started in this ActorSystem (yet): configure it with WithTorrentCluster(...) and await WhenStarted");

    internal void Started(TorrentCluster cluster) => _cluster.TrySetResult(cluster);
    internal void Failed(Exception e) => _cluster.TrySetException(e);

    public static TorrentClusterExtension Get(ActorSystem system) => system.WithExtension<TorrentClusterExtension, Provider>();

    public sealed class Provider : ExtensionIdProvider<TorrentClusterExtension>
    {
        public override TorrentClusterExtension CreateExtension(ExtendedActorSystem system) => new();
    }
}
