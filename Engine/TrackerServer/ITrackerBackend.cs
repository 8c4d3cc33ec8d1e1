using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>
/// What the HTTP and UDP front ends ask of the tracker's state. One tracker: <see cref="RegistryGate"/>, its registry
/// behind a lock, which answers at once (every task is already complete, so the single-node path does not await). A
/// tracker cluster: Engine.Cluster's sharded backend, which asks the shard holding the torrent and answers when it
/// replies or its ask times out.
/// </summary>
internal interface ITrackerBackend
{
    TrackerOptions Options { get; }

    /// <summary>The clock connection ids are issued and checked against.</summary>
    DateTimeOffset Now { get; }

    ValueTask<TrackerAnnounceResult> AnnounceAsync(AnnounceRequest request, IPAddress source);

    /// <summary>Stats of each torrent, in order (the callers pass only torrents <see cref="TrackerOptions.Allows"/>).</summary>
    ValueTask<ScrapeStats[]> ScrapeAsync(IReadOnlyList<InfoHash> infoHashes);

    ValueTask<CatalogView> CatalogAsync(int limit);

    /// <summary>A torrent's peers and name; null when the tracker has no swarm for it.</summary>
    ValueTask<SwarmPeers?> PeersAsync(InfoHash infoHash, int limit);

    ValueTask<byte[]?> TorrentFileAsync(InfoHash infoHash);

    ValueTask<PublishResult> PublishAsync(byte[] torrentFile);

    /// <summary>A tracker cluster's view of its members and shards as JSON (<c>/api/tracker-cluster</c>); null for one tracker.</summary>
    ValueTask<byte[]?> ClusterJsonAsync();
}
