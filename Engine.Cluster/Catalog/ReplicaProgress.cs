using System.Globalization;
using Engine.Core.Primitives;

namespace Engine.Cluster.Catalog;

/// <summary>How far one node's replica of one torrent is, as each node publishes its own in Akka.DistributedData.</summary>
internal readonly record struct ReplicaProgress(int VerifiedPieces, int PieceCount)
{
    /// <summary>The key of a node's replica of a torrent: <c>infohash|node</c>.</summary>
    public static string Key(InfoHash hash, string node) => hash.ToHex() + "|" + node;

    /// <summary>Splits a <see cref="Key"/>; false for anything else.</summary>
    public static bool TrySplitKey(string key, out InfoHash hash, out string node)
    {
        var bar = key.IndexOf('|');
        node = bar > 0 ? key[(bar + 1)..] : "";
        hash = default;
        return bar > 0 && InfoHash.TryFromHex(key[..bar], out hash);
    }

    public string Encode() => VerifiedPieces.ToString(CultureInfo.InvariantCulture) + "/" + PieceCount.ToString(CultureInfo.InvariantCulture);

    public static bool TryDecode(string text, out ReplicaProgress progress)
    {
        progress = default;
        var slash = text.IndexOf('/');
        if (slash <= 0) return false;
        if (!int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var verified)) return false;
        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)) return false;
        if (verified > count) return false;
        progress = new ReplicaProgress(verified, count);
        return true;
    }
}
