using Engine.Cluster.Api;

namespace Engine.Host.Output;

/// <summary>What the <c>node</c> command writes: the members, then one line per cluster torrent with its placement and replicas.</summary>
public static class NodeLines
{
    public static IEnumerable<string> Status(IReadOnlyList<string> members, IReadOnlyList<ClusterTorrent> torrents)
    {
        yield return $"members {members.Count}: {string.Join(", ", members.Select(Short))}; torrents {torrents.Count}";
        foreach (var t in torrents)
        {
            var replicas = t.Holders.Count == 0 ? "none yet"
                : string.Join(", ", t.Holders.Select(h => $"{Short(h.Node)} {(h.IsComplete ? "complete" : $"{h.VerifiedPieces}/{h.PieceCount}")}"));
            yield return $"  {t.InfoHash.ToHex()} {t.Name}: {t.CompleteReplicas}/{t.Replicas} complete; placed on {string.Join(", ", t.PlacedOn.Select(Short))}; replicas {replicas}";
        }
    }

    /// <summary><c>host:port</c> of a node's Akka address (<c>akka.tcp://torrent-cluster@host:port</c>).</summary>
    public static string Short(string node)
    {
        var at = node.LastIndexOf('@');
        return at >= 0 ? node[(at + 1)..] : node;
    }
}
