using System.Net;
using Akka.Actor;
using Engine.TrackerServer;

namespace Engine.Cluster.Trackers;

/// <summary>
/// One shard of a tracker cluster, as the one entity Akka.Cluster.Sharding runs for it on some node: a
/// <see cref="TrackerRegistry"/> — the same one a single tracker runs behind its lock — holding the swarms and published
/// files of the torrents <see cref="Engine.Core.Cluster.TrackerShards"/> maps here. The registry's caps are the
/// cluster's divided among the shards. Swarms are soft state: when the node goes, the shard starts elsewhere with no
/// peers and the next announces rebuild its swarms; its published files are replicated (<see cref="PublishedFiles"/>)
/// and come back with it.
/// </summary>
internal sealed partial class SwarmShard : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private readonly TrackerRegistry _registry;
    private readonly TimeSpan _writeTimeout;
    private readonly string _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
    private long _announces;

    public SwarmShard(TrackerOptions options, int shards, TimeSpan writeTimeout)
    {
        _registry = new TrackerRegistry(PerShard(options, shards), new Random());
        _writeTimeout = writeTimeout;
        Loading();
    }

    public IStash Stash { get; set; } = null!;

    /// <summary>The shard's questions, answered from its registry.</summary>
    private void Serving()
    {
        Receive<Announce>(m =>
        {
            _announces++;
            Sender.Tell(SwarmWire.Answer(_registry.Announce(SwarmWire.Request(m), new IPAddress(m.Source), Now)));
        });
        Receive<Stats>(m => Sender.Tell(new ShardStats(m.Shard, _node, _registry.TorrentCount, _registry.PeerCount, _registry.PublishedCount, _announces)));
        Receive<Scrape>(m => Sender.Tell(SwarmWire.Answer(_registry.Scrape(SwarmWire.Hashes(m.InfoHashes)))));
        Receive<Catalog>(m => Sender.Tell(SwarmWire.Answer(_registry.View(m.Limit))));
        Receive<Peers>(m => Sender.Tell(SwarmWire.Answer(_registry.PeersOf(SwarmWire.Hash(m.InfoHash), m.Limit))));
        Receive<TorrentFile>(m => Sender.Tell(new TorrentFileBytes(_registry.GetTorrentFile(SwarmWire.Hash(m.InfoHash)))));
        Receive<Publish>(PublishAndReplicate);
        Receive<Expire>(_ => _registry.Expire(Now));
        Replies();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="writeTimeout">How long a publish waits for a majority of the nodes to hold the file (and an entity starting, for a majority's copy).</param>
    public static Props Props(TrackerOptions options, int shards, TimeSpan writeTimeout) =>
        Akka.Actor.Props.Create(() => new SwarmShard(options, shards, writeTimeout));

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override void PreStart()
    {
        var o = _registry.Options;
        var period = TimeSpan.FromTicks(Math.Clamp(o.PeerTimeout.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
        Timers.StartPeriodicTimer("expire", Expire.Instance, period);
        ReadReplicas();
    }

    /// <summary>The cluster's caps shared evenly among <paramref name="shards"/> registries (each at least one).</summary>
    internal static TrackerOptions PerShard(TrackerOptions options, int shards) => options with
    {
        MaxTorrents = Math.Max(1, options.MaxTorrents / shards),
        MaxPeers = Math.Max(options.MaxPeersPerTorrent, options.MaxPeers / shards),
        MaxPublished = options.MaxPublished == 0 ? 0 : Math.Max(1, options.MaxPublished / shards),
        MaxPublishedBytes = Math.Max(options.MaxTorrentFileBytes, options.MaxPublishedBytes / shards),
    };
}
