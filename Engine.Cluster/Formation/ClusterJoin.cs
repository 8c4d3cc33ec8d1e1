using Akka.Actor;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Engine.Cluster.Formation;

/// <summary>How a node of either cluster (torrents, trackers) joins: through service discovery, its seeds, itself, or not at all.</summary>
internal static class ClusterJoin
{
    /// <summary>
    /// With <paramref name="discovery"/>: starts the formation actor (<see cref="ClusterFormationActor"/>); otherwise
    /// joins <paramref name="seeds"/>, itself when they are empty, nothing when null (the system's configured seeds, or
    /// something else, do). Returns a task that completes when this node is Up, fails with a
    /// <see cref="ClusterDiscoveryException"/> when discovery gives up, and is cancelled when the system ends first.
    /// </summary>
    public static Task Start(ActorSystem system, ClusterDiscoveryOptions? discovery, IReadOnlyList<Address>? seeds)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cluster = AkkaCluster.Get(system);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        system.WhenTerminated.ContinueWith(_ => up.TrySetCanceled(), TaskScheduler.Default);
        if (discovery is not null) system.ActorOf(ClusterFormationActor.Props(discovery, up), ClusterFormationActor.Name);
        else if (seeds is { Count: 0 }) cluster.Join(cluster.SelfAddress);
        else if (seeds is not null) cluster.JoinSeedNodes(seeds);
        return up.Task;
    }
}
