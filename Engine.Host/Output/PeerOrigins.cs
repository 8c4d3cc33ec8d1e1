using Engine.Api;
using Engine.Core.Primitives;

namespace Engine.Host.Output;

/// <summary>
/// Where the connected peers came from and how many nodes the DHT knows, as one short text for the status display:
/// "from tracker 3, dht 2, pex 1  dht 143 nodes". Empty when there is nothing to say.
/// </summary>
public static class PeerOrigins
{
    private static readonly PeerSource[] Order = [PeerSource.Tracker, PeerSource.Dht, PeerSource.Pex, PeerSource.Lsd, PeerSource.Incoming, PeerSource.Manual];

    public static string Describe(IReadOnlyList<PeerSnapshot> peers, DhtStatus? dht)
    {
        var counts = new int[Order.Length];
        foreach (var p in peers)
        {
            var i = Array.IndexOf(Order, p.Source);
            if (i >= 0) counts[i]++;
        }
        var parts = new List<string>();
        for (var i = 0; i < Order.Length; i++)
            if (counts[i] > 0) parts.Add($"{Name(Order[i])} {counts[i]}");
        var from = parts.Count == 0 ? "" : "from " + string.Join(", ", parts);
        var nodes = dht is null ? "" : $"dht {dht.Nodes} node{(dht.Nodes == 1 ? "" : "s")}";
        return from.Length > 0 && nodes.Length > 0 ? $"{from}  {nodes}" : from + nodes;
    }

    /// <summary>The source's name as the display and the web UI write it.</summary>
    public static string Name(PeerSource source) => source switch
    {
        PeerSource.Tracker => "tracker",
        PeerSource.Dht => "dht",
        PeerSource.Pex => "pex",
        PeerSource.Lsd => "lsd",
        PeerSource.Incoming => "incoming",
        _ => "manual",
    };
}
