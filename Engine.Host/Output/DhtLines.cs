using System.Globalization;
using Engine.Api;

namespace Engine.Host.Output;

/// <summary>What the <c>dht</c> command writes: a status line, and the routing table with the torrents stored.</summary>
public static class DhtLines
{
    public static string Status(DhtStatus s) =>
        $"nodes {s.Nodes} in {s.Buckets} bucket{(s.Buckets == 1 ? "" : "s")}  lookups {s.LookupsRunning} running, {s.LookupsWaiting} waiting  " +
        $"stored {s.StoredPeers} peer{(s.StoredPeers == 1 ? "" : "s")} of {s.StoredTorrents} torrent{(s.StoredTorrents == 1 ? "" : "s")}" +
        (s.ExternalAddress is { } a ? $"  external address {a}" : "");

    /// <summary>One line per node (bucket, id, endpoint, good or not, seconds since heard), then one per stored torrent.</summary>
    public static IEnumerable<string> Table(DhtTable table, DateTimeOffset now)
    {
        yield return $"routing table: {table.Nodes.Count} node{(table.Nodes.Count == 1 ? "" : "s")}";
        foreach (var n in table.Nodes)
        {
            var ago = Math.Max(0, (now - n.LastSeen).TotalSeconds).ToString("0", CultureInfo.InvariantCulture);
            yield return $"  bucket {n.Bucket,3}  {n.NodeId}  {n.EndPoint,-22} {(n.Good ? "good" : "questionable"),-12} seen {ago} s ago";
        }
        yield return $"stored: {table.Stored.Count} torrent{(table.Stored.Count == 1 ? "" : "s")}";
        foreach (var t in table.Stored) yield return $"  {t.InfoHash.ToHex()}  {t.Peers} peer{(t.Peers == 1 ? "" : "s")}";
    }
}
