using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Engine.Core.Primitives;

namespace Engine.Core.Cluster;

/// <summary>
/// Where a torrent's replicas live in a cluster: rendezvous (highest-random-weight) hashing. Every node gets a
/// weight for the info-hash, a hash of (node, info-hash); the <c>R</c> heaviest nodes hold it. Every node computes the
/// same answer from the same member set, whatever order it sees the members in, and membership changes move little:
/// a node that joins takes only the torrents for which it outweighs the lightest holder (about R/n of them, one replica
/// each), a node that leaves gives up only its own replicas, each to the next heaviest node.
/// </summary>
internal static class ReplicaPlacement
{
    /// <summary>The replication factor when none is given.</summary>
    public const int DefaultReplicas = 2;

    /// <summary>
    /// The nodes that hold <paramref name="infoHash"/>: <c>min(replicas, nodes)</c> distinct ones, heaviest first.
    /// Duplicate node names count once.
    /// </summary>
    public static IReadOnlyList<string> Place(InfoHash infoHash, IEnumerable<string> nodes, int replicas = DefaultReplicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var ranked = new List<(ulong Weight, string Node)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
            if (seen.Add(node)) ranked.Add((Weight(node, infoHash), node));
        ranked.Sort(static (x, y) => y.Weight != x.Weight ? y.Weight.CompareTo(x.Weight) : string.CompareOrdinal(x.Node, y.Node));
        var count = Math.Min(replicas, ranked.Count);
        var placed = new string[count];
        for (var i = 0; i < count; i++) placed[i] = ranked[i].Node;
        return placed;
    }

    /// <summary>Whether <paramref name="node"/> is one of the holders of <paramref name="infoHash"/>.</summary>
    public static bool Holds(string node, InfoHash infoHash, IEnumerable<string> nodes, int replicas = DefaultReplicas)
    {
        foreach (var n in Place(infoHash, nodes, replicas))
            if (n == node) return true;
        return false;
    }

    /// <summary>The weight of <paramref name="node"/> for <paramref name="infoHash"/>: XxHash64 of the node's UTF-8 name and the hash's 20 bytes.</summary>
    public static ulong Weight(string node, InfoHash infoHash)
    {
        var name = Encoding.UTF8.GetBytes(node);
        var input = new byte[name.Length + InfoHash.Length]; // node names are short; placement runs on membership changes, not per block
        name.CopyTo(input);
        infoHash.CopyTo(input.AsSpan(name.Length));
        Span<byte> hash = stackalloc byte[8];
        XxHash64.Hash(input, hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
