using System.Net;
using Akka.Actor;
using Engine.TrackerServer;

namespace Engine.Cluster.Trackers;

/// <summary>
/// One shard of a tracker cluster, as the one entity Akka.Cluster.Sharding runs for it on some node: a
/// <see cref="TrackerRegistry"/> — the same one a single tracker runs behind its lock — holding the swarms and published
/// files of the torrents <see cref="Engine.Core.Cluster.TrackerShards"/> maps here. The registry's caps are the
/// cluster's divided among the shards. Soft state: when the node goes, the shard starts empty elsewhere and the next
/// announces rebuild its swarms.
/// </summary>
internal sealed partial class SwarmShard : ReceiveActor, IWithTimers
{
    private readonly TrackerRegistry _registry;

    public SwarmShard(TrackerOptions options, int shards)
    {
        _registry = new TrackerRegistry(PerShard(options, shards), new Random());
        Receive<Announce>(m => Sender.Tell(SwarmWire.Answer(_registry.Announce(SwarmWire.Request(m), new IPAddress(m.Source), Now))));
        Receive<Scrape>(m => Sender.Tell(SwarmWire.Answer(_registry.Scrape(SwarmWire.Hashes(m.InfoHashes)))));
        Receive<Catalog>(m => Sender.Tell(SwarmWire.Answer(_registry.View(m.Limit))));
        Receive<Peers>(m => Sender.Tell(SwarmWire.Answer(_registry.PeersOf(SwarmWire.Hash(m.InfoHash), m.Limit))));
        Receive<TorrentFile>(m => Sender.Tell(new TorrentFileBytes(_registry.GetTorrentFile(SwarmWire.Hash(m.InfoHash)))));
        Receive<Publish>(m => Sender.Tell(SwarmWire.Answer(_registry.Publish(m.File))));
        Receive<Expire>(_ => _registry.Expire(Now));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TrackerOptions options, int shards) => Akka.Actor.Props.Create(() => new SwarmShard(options, shards));

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override void PreStart()
    {
        var o = _registry.Options;
        var period = TimeSpan.FromTicks(Math.Clamp(o.PeerTimeout.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
        Timers.StartPeriodicTimer("expire", Expire.Instance, period);
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
