using System.Buffers.Binary;
using Engine.Core.Primitives;

namespace Engine.Core.Cluster;

/// <summary>
/// Which shard of a tracker cluster holds a torrent's swarm: the info-hash's first four bytes modulo the shard count.
/// Info-hashes are SHA-1 (or truncated SHA-256) digests, so their bytes are uniform and the shards even; every node
/// computes the same shard for the same torrent. The shell is Engine.Cluster's tracker (Akka.Cluster.Sharding).
/// </summary>
internal static class TrackerShards
{
    /// <summary>Shards of a tracker cluster unless told otherwise: a few per node for clusters of up to ~20 nodes.</summary>
    public const int DefaultCount = 64;

    /// <summary>The shard of <paramref name="infoHash"/>, in [0, <paramref name="count"/>).</summary>
    public static int Of(InfoHash infoHash, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "a tracker cluster has at least one shard");
        Span<byte> bytes = stackalloc byte[InfoHash.Length];
        infoHash.CopyTo(bytes);
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(bytes) % (uint)count);
    }

    /// <summary>The shard's (and its one entity's) name in Akka.Cluster.Sharding: its number in decimal.</summary>
    public static string Name(int shard) => shard.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
