using System.Net;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Engine.Cluster.Configuration;
using Engine.Cluster.Formation;
using Engine.Core.Trackers;
using Engine.TrackerServer;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Engine.Cluster.Trackers;

/// <summary>
/// One node of a tracker cluster: HTTP and UDP announces served on every node, swarms sharded by info-hash with
/// Akka.Cluster.Sharding (any node answers for any torrent by asking the shard that holds it), a catalog of the whole
/// cluster, UDP connection ids valid on every node (derived from the shared secret). A tracker's state is soft: the
/// swarms of a node that goes are rebuilt from the next announces. Thread-safe.
/// </summary>
public sealed class TrackerCluster : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly TrackerHttpServer? _http;
    private readonly TrackerUdpServer? _udp;
    private int _stopped;

    private TrackerCluster(ActorSystem system, TrackerHttpServer? http, TrackerUdpServer? udp, Task whenUp)
    {
        WhenUp = whenUp;
        _system = system;
        _http = http;
        _udp = udp;
        Node = AkkaCluster.Get(system).SelfAddress.ToString();
    }

    /// <summary>This node's address in the cluster (<c>akka.tcp://tracker-cluster@host:port</c>).</summary>
    public string Node { get; }

    /// <summary>The cluster port this node listens on (the real one when port 0 was asked for).</summary>
    public int Port => AkkaCluster.Get(_system).SelfAddress.Port ?? 0;

    /// <summary>Completes when the node has left (<see cref="StopAsync"/>) or was downed by the cluster.</summary>
    public Task WhenStopped => _system.WhenTerminated;

    /// <summary>
    /// Completes when this node is Up; fails with a <see cref="ClusterDiscoveryException"/> when
    /// <see cref="TrackerClusterOptions.Discovery"/> found and formed no cluster within its bound; cancelled when the node stops first.
    /// </summary>
    public Task WhenUp { get; }

    public IPEndPoint? HttpEndPoint => _http?.LocalEndPoint;

    public IPEndPoint? UdpEndPoint => _udp?.LocalEndPoint;

    public string? HttpAnnounceUrl => HttpEndPoint is { } e ? $"http://{Format(e)}/announce" : null;

    public string? UdpAnnounceUrl => UdpEndPoint is { } e ? $"udp://{Format(e)}/announce" : null;

    /// <summary>The node's ActorSystem (tests crash it with Terminate).</summary>
    internal ActorSystem ClusterSystem => _system;

    /// <summary>Members this node sees Up.</summary>
    public int UpMembers => AkkaCluster.Get(_system).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up);

    /// <summary>Starts a node: its cluster member (joining the seeds, or itself when none is given, or looking for its cluster through discovery), the shard region, then the servers.</summary>
    public static TrackerCluster Start(TrackerClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var hocon = ClusterHocon.ForTracker(options.Host, options.Port, options.Seeds, options.MinMembers, options.DownUnreachableAfter, options.Tracker.MaxTorrentFileBytes,
            options.Discovery);
        var system = ActorSystem.Create(ClusterHocon.TrackerSystemName, ConfigurationFactory.ParseString(hocon));
        TrackerHttpServer? http = null;
        try
        {
            var cluster = AkkaCluster.Get(system);
            var up = ClusterJoin.Start(system, options.Discovery, options.Seeds.Count == 0 ? [] : null);
            // Every node's replicator must run for the shards' published files to reach a majority (PublishedFiles), not
            // only those of nodes where an entity happened to start it.
            _ = Akka.DistributedData.DistributedData.Get(system);
            var region = ClusterSharding.Get(system).Start("swarm", SwarmShard.Props(options.Tracker, options.Shards, options.AskTimeout / 2),
                ClusterShardingSettings.Create(system), new SwarmShardExtractor());
            var backend = new ShardedTrackerBackend(region, options.Tracker, options.Shards, options.AskTimeout, () => TrackerClusterView.Members(cluster));
            if (options.Http is { } h) http = TrackerHttpServer.For(h, backend);
            var udp = options.Udp is { } u ? new TrackerUdpServer(u, backend, ConnectionIds.FromSecret(options.Secret)) : null;
            return new TrackerCluster(system, http, udp, up);
        }
        catch
        {
            if (http is not null) http.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
            system.Terminate().Wait(TimeSpan.FromSeconds(5));
            throw;
        }
    }

    /// <summary>Stops serving, then leaves the cluster gracefully (its shards move to the other nodes and start there without swarms, their published files read back).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            await _system.WhenTerminated.ConfigureAwait(false);
            return;
        }
        if (_http is not null) await _http.DisposeAsync().ConfigureAwait(false);
        if (_udp is not null) await _udp.DisposeAsync().ConfigureAwait(false);
        try { await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false); }
        catch (TimeoutException) { }
        await _system.Terminate().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static string Format(IPEndPoint e) => global::Engine.TrackerServer.TrackerServer.Format(e);
}
