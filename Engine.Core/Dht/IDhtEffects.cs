using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>What a <see cref="DhtCore"/> asks its shell to do: send datagrams, and report what lookups found.</summary>
internal interface IDhtEffects
{
    void Send(byte[] packet, IPEndPoint to);

    /// <summary>A get_peers lookup learnt peers (only the ones new to that lookup).</summary>
    void PeersFound(int lookup, InfoHash infoHash, IReadOnlyList<IPEndPoint> peers);

    void LookupDone(LookupReport report);

    /// <summary>A node announced <paramref name="peer"/> for <paramref name="infoHash"/> to us (it is in our store now).</summary>
    void PeerAnnounced(InfoHash infoHash, IPEndPoint peer);
}

/// <summary>How a lookup went: nodes asked and answering, hops, peers found, nodes we announced to, and the closest nodes that answered.</summary>
internal sealed record LookupReport(int Id, NodeId Target, bool GetPeers, int Queried, int Answered, int Rounds, int Peers, int Announced)
{
    public IReadOnlyList<DhtContact> Closest { get; init; } = [];
}
