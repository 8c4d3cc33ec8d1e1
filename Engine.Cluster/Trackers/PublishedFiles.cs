using Akka.DistributedData;
using Engine.Core.Primitives;

namespace Engine.Cluster.Trackers;

/// <summary>
/// The published .torrent files of a tracker cluster's shards, replicated with Akka.DistributedData so they outlive the
/// node holding their shard: one key per shard (info-hash hex → the file in base64; text, so the replicator's own
/// serializer carries it), written by the shard's entity with a majority of the nodes before the publish is answered,
/// read back (majority) by the entity that takes the shard over. Bounded like the shard's registry: at most
/// <c>MaxPublished</c> / <c>MaxPublishedBytes</c> divided among the shards, since only files the registry took are written.
/// </summary>
internal static class PublishedFiles
{
    /// <summary>The key of the shard whose entity is named <paramref name="entity"/>.</summary>
    public static LWWDictionaryKey<string, string> Key(string entity) => new("tracker-published-" + entity);

    public static string Entry(byte[] file) => Convert.ToBase64String(file);

    /// <summary>The files of a shard's key, in info-hash order (entries that do not decode are skipped: the registry refuses nothing it took before).</summary>
    public static List<byte[]> Files(LWWDictionary<string, string> data)
    {
        var files = new List<byte[]>(data.Count);
        foreach (var (hash, text) in data.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!InfoHash.TryFromHex(hash, out _)) continue;
            var bytes = new byte[text.Length * 3 / 4 + 3];
            if (Convert.TryFromBase64String(text, bytes, out var length)) files.Add(bytes[..length]);
        }
        return files;
    }
}
