using System.Globalization;
using Engine.Cluster.Api;

namespace Engine.Cluster.Configuration;

/// <summary>
/// The HOCON of a cluster node's ActorSystem: Akka.Remote on the cluster port, the static seed nodes, the split-brain
/// resolver (keep-majority) and Akka.DistributedData's timing.
/// </summary>
internal static class ClusterHocon
{
    /// <summary>Every node's ActorSystem has this name: Akka only joins systems of the same name.</summary>
    public const string SystemName = "torrent-cluster";

    /// <summary>The Akka address of a seed given as <c>host:port</c>.</summary>
    public static string SeedAddress(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"a cluster seed is host:port, got '{hostPort}'");
        return $"akka.tcp://{SystemName}@{hostPort[..colon]}:{port}";
    }

    public static string For(TorrentClusterOptions options)
    {
        var seeds = string.Join(", ", options.Seeds.Select(s => "\"" + SeedAddress(s) + "\""));
        var stable = (long)options.DownUnreachableAfter.TotalMilliseconds;
        return $$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = "{{options.Host}}"
                port = {{options.Port}}
              }
              cluster {
                seed-nodes = [{{seeds}}]
                min-nr-of-members = {{options.MinMembers}}
                # Split brain: after the members' reachability has been stable this long, the side with the majority
                # of the nodes downs the others (a tie keeps the side with the lowest address); a minority side downs itself.
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{stable}}ms
                }
                # A leaving node hands over at once; nothing of ours needs the default grace.
                shutdown-after-unsuccessful-join-seed-nodes = off
                run-coordinated-shutdown-when-down = on
              }
              cluster.distributed-data {
                gossip-interval = 500ms
                notify-subscribers-interval = 100ms
              }
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.run-by-clr-shutdown-hook = off
              # TorrentCluster.StopAsync runs the coordinated shutdown (leave, then stop) itself; a bare Terminate() is a
              # crash as the others see it (tests use it that way).
              coordinated-shutdown.run-by-actor-system-terminate = off
            }
            """;
    }
}
