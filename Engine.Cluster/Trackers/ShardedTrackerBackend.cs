using System.Net;
using Akka.Actor;
using Engine.Core.Cluster;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.TrackerServer;

namespace Engine.Cluster.Trackers;

/// <summary>
/// A tracker cluster node's backend for its HTTP and UDP front ends: each question goes to the shard region, which
/// delivers it to the shard entity holding the torrent (<see cref="TrackerShards"/>) on whichever node runs it, and the
/// answer comes from its reply. Every ask is bounded by <paramref name="askTimeout"/>: an announce that gets no reply
/// is answered with a failure reason, never left hanging. The catalog asks every shard and merges their pages.
/// </summary>
internal sealed class ShardedTrackerBackend(IActorRef region, TrackerOptions options, int shards, TimeSpan askTimeout,
    Func<(string Self, IReadOnlyList<TrackerClusterView.Member> Members)>? membership = null) : ITrackerBackend
{
    public TrackerOptions Options => options;

    public DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary>The failure reason of a question no shard answered in time.</summary>
    public string NoAnswer =>
        $"{TrackerHttpRoutes.Unavailable} the node holding this torrent's swarm did not answer within {askTimeout.TotalSeconds:0.#} s; try again";

    private int ShardOf(InfoHash infoHash) => TrackerShards.Of(infoHash, shards);

    public async ValueTask<TrackerAnnounceResult> AnnounceAsync(AnnounceRequest request, IPAddress source)
    {
        if (!options.Allows(request.InfoHash)) return Failure(TrackerRegistry.NotAllowedMessage);
        var reply = await AskAsync<SwarmShard.Announced>(SwarmWire.Ask(ShardOf(request.InfoHash), request, source));
        return reply is null ? Failure(NoAnswer) : SwarmWire.Result(reply, options);
    }

    /// <summary>One question per shard concerned, all at once; a shard that does not answer reads as empty.</summary>
    public async ValueTask<ScrapeStats[]> ScrapeAsync(IReadOnlyList<InfoHash> infoHashes)
    {
        var stats = new ScrapeStats[infoHashes.Count];
        var byShard = new Dictionary<int, List<int>>();
        for (var i = 0; i < stats.Length; i++)
        {
            stats[i] = new ScrapeStats(0, 0, 0, null);
            var shard = ShardOf(infoHashes[i]);
            if (!byShard.TryGetValue(shard, out var at)) byShard[shard] = at = [];
            at.Add(i);
        }
        var asks = byShard.Select(async pair =>
        {
            var reply = await AskAsync<SwarmShard.Scraped>(new SwarmShard.Scrape(pair.Key, [.. pair.Value.Select(i => infoHashes[i].ToArray())]));
            if (reply is null) return;
            for (var j = 0; j < pair.Value.Count; j++) stats[pair.Value[j]] = SwarmWire.Stats(reply, j);
        });
        await Task.WhenAll(asks);
        return stats;
    }

    /// <summary>Every shard's first <paramref name="limit"/> entries, merged in the catalog's order; the totals are the cluster's (of the shards that answered).</summary>
    public async ValueTask<CatalogView> CatalogAsync(int limit)
    {
        var pages = await Task.WhenAll(Enumerable.Range(0, shards).Select(shard => AskAsync<SwarmShard.CatalogPage>(new SwarmShard.Catalog(shard, limit))));
        var answered = pages.OfType<SwarmShard.CatalogPage>().ToList();
        var entries = TrackerRegistry.InCatalogOrder(answered.SelectMany(SwarmWire.Entries), limit);
        return new CatalogView(entries, answered.Sum(p => p.Torrents), answered.Sum(p => p.Peers));
    }

    public async ValueTask<SwarmPeers?> PeersAsync(InfoHash infoHash, int limit)
    {
        var reply = await AskAsync<SwarmShard.PeerRows>(new SwarmShard.Peers(ShardOf(infoHash), infoHash.ToArray(), limit));
        return reply is null ? null : SwarmWire.Peers(reply);
    }

    public async ValueTask<byte[]?> TorrentFileAsync(InfoHash infoHash) =>
        (await AskAsync<SwarmShard.TorrentFileBytes>(new SwarmShard.TorrentFile(ShardOf(infoHash), infoHash.ToArray())))?.File;

    /// <summary>Sent to the shard of the file's info-hash; a file that does not parse goes to shard 0, whose registry refuses it with the reason.</summary>
    public async ValueTask<PublishResult> PublishAsync(byte[] torrentFile)
    {
        var shard = 0;
        try
        {
            if (torrentFile.Length <= options.MaxTorrentFileBytes) shard = ShardOf(Engine.Core.Metainfo.TorrentMetainfo.Parse(torrentFile).InfoHash);
        }
        catch (Engine.Core.Metainfo.MetainfoException)
        {
        }
        var reply = await AskAsync<SwarmShard.Published>(new SwarmShard.Publish(shard, torrentFile));
        return reply is null ? new PublishResult(NoAnswer, default, null, 0, false) : SwarmWire.Result(reply);
    }

    /// <summary>The members this node sees and every shard's counts (a shard that does not answer in time is left out).</summary>
    public async ValueTask<byte[]?> ClusterJsonAsync()
    {
        var stats = await Task.WhenAll(Enumerable.Range(0, shards).Select(shard => AskAsync<SwarmShard.ShardStats>(new SwarmShard.Stats(shard))));
        var (self, members) = membership?.Invoke() ?? ("", []);
        return TrackerClusterView.Of(self, shards, members, [.. stats.OfType<SwarmShard.ShardStats>()]).ToJson();
    }

    private async Task<T?> AskAsync<T>(SwarmShard.IMessage message) where T : class
    {
        try
        {
            return await region.Ask<T>(message, askTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or InvalidOperationException)
        {
            return null; // no answer in time, or this node's system is stopping: the caller answers "try again"
        }
    }

    private TrackerAnnounceResult Failure(string message) => new(message, options.Interval, options.MinInterval, 0, 0, 0, [], []);
}
