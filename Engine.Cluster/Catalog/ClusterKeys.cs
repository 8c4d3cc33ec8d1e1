using Akka.DistributedData;

namespace Engine.Cluster.Catalog;

/// <summary>The replicated data of a torrent cluster (Akka.DistributedData keys; every value is text).</summary>
internal static class ClusterKeys
{
    /// <summary>info-hash (hex) → <see cref="CatalogEntry"/>: the torrents of the cluster.</summary>
    public static readonly LWWDictionaryKey<string, string> Torrents = new("torrents");

    /// <summary>
    /// <see cref="TorrentSettings.Key"/> (info-hash|field) → value: each torrent's limits and file priorities, one
    /// last-writer-wins register per field, so concurrent changes of different fields merge.
    /// </summary>
    public static readonly LWWDictionaryKey<string, string> Settings = new("settings");

    /// <summary>node address → "ip:port": where each node's engine takes BitTorrent connections.</summary>
    public static readonly LWWDictionaryKey<string, string> Endpoints = new("endpoints");

    /// <summary><see cref="ReplicaProgress.Key"/> → <see cref="ReplicaProgress"/>: each node's replicas and how far they are.</summary>
    public static readonly LWWDictionaryKey<string, string> Progress = new("progress");
}
