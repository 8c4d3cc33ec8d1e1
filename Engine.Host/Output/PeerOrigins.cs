using Engine.Api;
using Engine.Core.Primitives;

namespace Engine.Host.Output;

/// <summary>
/// Where the connected peers came from (source name → count, in a fixed order) and how many nodes the DHT knows (null
/// when it is off). <see cref="ToString"/> is the status display's text: "from tracker 3, dht 2, pex 1  dht 143 nodes".
/// </summary>
public sealed record PeerOrigins(IReadOnlyDictionary<string, int> Sources, int? DhtNodes)
{
    private static readonly PeerSource[] Order = [PeerSource.Tracker, PeerSource.Dht, PeerSource.Pex, PeerSource.Lsd, PeerSource.Incoming, PeerSource.Manual, PeerSource.WebSeed];

    public static PeerOrigins None { get; } = new(new Dictionary<string, int>(), null);

    public static PeerOrigins Of(IReadOnlyList<PeerSnapshot> peers, DhtStatus? dht)
    {
        var counts = new int[Order.Length];
        foreach (var p in peers)
        {
            var i = Array.IndexOf(Order, p.Source);
            if (i >= 0) counts[i]++;
        }
        var sources = new Dictionary<string, int>();
        for (var i = 0; i < Order.Length; i++)
            if (counts[i] > 0) sources[Name(Order[i])] = counts[i];
        return new PeerOrigins(sources, dht?.Nodes);
    }

    /// <summary>The text form; empty when there is nothing to say.</summary>
    public override string ToString()
    {
        var from = Sources.Count == 0 ? "" : "from " + string.Join(", ", Sources.Select(s => $"{s.Key} {s.Value}"));
        var nodes = DhtNodes is { } n ? $"dht {n} node{(n == 1 ? "" : "s")}" : "";
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
        PeerSource.WebSeed => "webseed",
        _ => "manual",
    };
}
