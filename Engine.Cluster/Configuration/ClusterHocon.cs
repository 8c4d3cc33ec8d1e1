using System.Globalization;
using Engine.Cluster.Api;
using Engine.Cluster.Formation;

namespace Engine.Cluster.Configuration;

/// <summary>
/// The HOCON of a cluster node's ActorSystem: Akka.Remote on the cluster port, the static seed nodes, the split-brain
/// resolver (keep-majority) and Akka.DistributedData's timing.
/// </summary>
internal static class ClusterHocon
{
    /// <summary>Every node's ActorSystem has this name: Akka only joins systems of the same name.</summary>
    public const string SystemName = "torrent-cluster";

    /// <summary>A tracker cluster's nodes' ActorSystem name: a tracker node never joins a seeding cluster by mistake.</summary>
    public const string TrackerSystemName = "tracker-cluster";

    /// <summary>The Akka address of a seed given as <c>host:port</c>.</summary>
    public static string SeedAddress(string hostPort, string system = SystemName)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"a cluster seed is host:port, got '{hostPort}'");
        return $"akka.tcp://{system}@{hostPort[..colon]}:{port}";
    }

    public static string For(TorrentClusterOptions options) =>
        For(SystemName, options.Host, options.Port, options.Seeds, options.MinMembers, options.DownUnreachableAfter) + Durable(options) + Discovery(options.Discovery);

    /// <summary>
    /// A tracker cluster node's: the same membership, seeds and split-brain resolver, plus Akka.Cluster.Sharding's
    /// settings (entities never passivated: a shard's swarms live as long as its node; nothing remembered: a lost
    /// shard is rebuilt from the next announces) and frames large enough for a published .torrent file.
    /// </summary>
    public static string ForTracker(string host, int port, IReadOnlyList<string> seeds, int minMembers, TimeSpan downAfter, int maxTorrentFileBytes,
        ClusterDiscoveryOptions? discovery = null) =>
        For(TrackerSystemName, host, port, seeds, minMembers, downAfter) + Discovery(discovery) + $$"""

            akka.cluster.sharding {
              passivate-idle-entity-after = off
              remember-entities = off
            }
            # Every announce crosses the cluster: the announce and its answer in a binary format of their own; the
            # other (rare) messages keep Akka's JSON.
            akka.actor {
              serializers.swarm = "Engine.Cluster.Trackers.SwarmShardSerializer, Engine.Cluster"
              serialization-bindings {
                "Engine.Cluster.Trackers.SwarmShard+Announce, Engine.Cluster" = swarm
                "Engine.Cluster.Trackers.SwarmShard+Announced, Engine.Cluster" = swarm
              }
            }
            # A publish carries the .torrent file (JSON, base64): room for the largest accepted.
            akka.remote.dot-netty.tcp.maximum-frame-size = {{2L * maxTorrentFileBytes + 64 * 1024}}b
            """;

    private static string For(string system, string host, int port, IReadOnlyList<string> seedList, int minMembers, TimeSpan downAfter)
    {
        var seeds = string.Join(", ", seedList.Select(s => "\"" + SeedAddress(s, system) + "\""));
        return $$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              cluster.seed-nodes = [{{seeds}}]
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.run-by-clr-shutdown-hook = off
              # TorrentCluster.StopAsync runs the coordinated shutdown (leave, then stop) itself; a bare Terminate() is a
              # crash as the others see it (tests use it that way).
              coordinated-shutdown.run-by-actor-system-terminate = off
            }
            """ + Membership(host, port, minMembers, downAfter);
    }

    /// <summary>
    /// What a node needs of an ActorSystem it does not own (Akka.Hosting's): the cluster provider, remoting on the
    /// cluster port, membership and the split-brain resolver. No seeds (their addresses carry the system's name, which
    /// only the running system knows: <see cref="TorrentCluster"/> joins them in code), no logging or shutdown settings
    /// (the app's).
    /// </summary>
    public static string ForEmbedded(TorrentClusterOptions options) =>
        Membership(options.Host, options.Port, options.MinMembers, options.DownUnreachableAfter) + Durable(options) + Discovery(options.Discovery);

    /// <summary>
    /// With discovery: a short gate after a failed association; with config discovery and endpoints, the service's
    /// endpoints in <c>akka.discovery.config.services</c>, where Akka.Discovery's config method reads them. Other methods
    /// read their own settings (the app's, or the package's defaults).
    /// </summary>
    private static string Discovery(ClusterDiscoveryOptions? discovery)
    {
        if (discovery is null) return "";
        // A probe sent to a node not listening yet gates its address (5 s by default): nodes started at once would wait
        // that long to see each other.
        const string gate = "\nakka.remote.retry-gate-closed-for = 1s";
        if (discovery is not { Method: ClusterDiscoveryOptions.Config, Endpoints.Count: > 0 }) return gate;
        var endpoints = string.Join(", ", discovery.Endpoints.Select(Quote));
        return gate + $$"""

            akka.discovery.config.services {
              {{Quote(discovery.Service)}} { endpoints = [{{endpoints}}] }
            }
            """;
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// With <see cref="TorrentClusterOptions.DurableCatalogDirectory"/>: the catalog keys (<see cref="Catalog.ClusterKeys.Torrents"/>,
    /// <see cref="Catalog.ClusterKeys.Settings"/>) kept in a file each there (<see cref="Catalog.FileDurableStore"/>), written before an update is acknowledged, loaded before
    /// the replicator answers; the endpoints and progress stay in memory (they describe the running nodes).
    /// </summary>
    private static string Durable(TorrentClusterOptions options)
    {
        if (options.DurableCatalogDirectory is not { } dir) return "";
        return $$"""

            akka.cluster.distributed-data.durable {
              keys = ["{{Catalog.ClusterKeys.Torrents.Id}}", "{{Catalog.ClusterKeys.Settings.Id}}"]
              store-actor-class = "Engine.Cluster.Catalog.FileDurableStore, Engine.Cluster"
              file-store.dir = {{Quote(dir)}}
            }
            """;
    }

    private static string Membership(string host, int port, int minMembers, TimeSpan downAfter)
    {
        var stable = (long)downAfter.TotalMilliseconds;
        return $$"""

            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = "{{host}}"
                port = {{port}}
              }
              cluster {
                min-nr-of-members = {{minMembers}}
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
            }
            """;
    }
}
