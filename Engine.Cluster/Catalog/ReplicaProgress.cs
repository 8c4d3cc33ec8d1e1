using System.Globalization;
using Engine.Core.Primitives;
using Engine.Events;

namespace Engine.Cluster.Catalog;

/// <summary>
/// How far one node's replica of one torrent is, its state and rates (bytes/s), as each node publishes its own in
/// Akka.DistributedData.
/// </summary>
internal readonly record struct ReplicaProgress(int VerifiedPieces, int PieceCount)
{
    public TorrentState State { get; init; }

    public long DownloadRate { get; init; }

    public long UploadRate { get; init; }

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

    /// <summary><c>verified/count/state/down/up</c>.</summary>
    public string Encode() => string.Join('/', Number(VerifiedPieces), Number(PieceCount), State.ToString(), Number(DownloadRate), Number(UploadRate));

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads what <see cref="Encode"/> wrote, or the older <c>verified/count</c>; false for anything else.</summary>
    public static bool TryDecode(string text, out ReplicaProgress progress)
    {
        progress = default;
        var parts = text.Split('/');
        if (parts.Length is not (2 or 5)) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var verified)) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)) return false;
        if (verified > count) return false;
        if (parts.Length == 2)
        {
            progress = new ReplicaProgress(verified, count) { State = verified == count ? TorrentState.Seeding : TorrentState.Downloading };
            return true;
        }
        if (!Enum.TryParse<TorrentState>(parts[2], ignoreCase: false, out var state) || !Enum.IsDefined(state) || int.TryParse(parts[2], out _)) return false;
        if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var down)) return false;
        if (!long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var up)) return false;
        progress = new ReplicaProgress(verified, count) { State = state, DownloadRate = down, UploadRate = up };
        return true;
    }
}
