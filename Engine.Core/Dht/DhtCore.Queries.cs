using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// Answering other nodes: each query is rationed per source (<see cref="QueryRateLimiter"/>), its sender is noted in the
/// routing table (or pinged, when its bucket has room, so that it can join by answering), and the answer tells the
/// querier the address we see it at (BEP 42). Answers stay small: at most k nodes, or <see cref="DhtSettings.MaxValues"/>
/// peers of the querier's address family.
/// </summary>
internal sealed partial class DhtCore
{
    private void OnQuery(KrpcQuery q, IPEndPoint from, DateTimeOffset now)
    {
        if (!_limiter.Allow(from.Address, now)) return;
        QueriesAnswered++;
        if (!q.ReadOnly && q.Sender != Id)
        {
            if (Table.Find(q.Sender) is not null) Table.Queried(q.Sender, now);
            else if (_joinPings < MaxJoinPings && WouldJoin(q.Sender)) Join(new DhtContact(q.Sender, from), now);
        }
        var family = IpFamilies.Of(from);
        KrpcMessage answer = q switch
        {
            PingQuery => new KrpcResponse(q.Transaction, Id),
            FindNodeQuery f => Nodes(q.Transaction, f.Target, family),
            GetPeersQuery g => Peers(g, from, family, now),
            AnnouncePeerQuery a => Announce(a, from, now),
            _ => new KrpcError(q.Transaction, KrpcError.MethodUnknown, "Method Unknown"),
        };
        Send(answer with { ReportedAddress = from }, from);
    }

    /// <summary>
    /// Verification pings to unknown queriers in flight at most. They let a new node into the table, but the querier's
    /// address may be forged: without a bound a flood of forged queries would make us ping its victims at the flood's rate.
    /// </summary>
    public const int MaxJoinPings = 16;

    /// <summary>Would a node with this id find room in the table (its bucket not full, or able to split)?</summary>
    private bool WouldJoin(NodeId id)
    {
        var buckets = Table.Buckets;
        var index = Math.Min(Id.CommonPrefix(id), buckets.Count - 1);
        return buckets[index].Nodes.Count < Table.K || index == buckets.Count - 1 && buckets.Count < NodeId.Bits;
    }

    private KrpcResponse Nodes(byte[] transaction, NodeId target, IpFamily family)
    {
        var closest = Table.Closest(target, Table.K * 2).Where(c => IpFamilies.Of(c.EndPoint) == family).Take(Table.K).ToList();
        return family == IpFamily.V4 ? new KrpcResponse(transaction, Id) { Nodes = closest } : new KrpcResponse(transaction, Id) { Nodes6 = closest };
    }

    private KrpcResponse Peers(GetPeersQuery g, IPEndPoint from, IpFamily family, DateTimeOffset now)
    {
        var token = _tokens.Issue(from.Address, now);
        var peers = Store.Get(g.InfoHash, family, _settings.MaxValues, now, _random);
        return peers.Count > 0
            ? new KrpcResponse(g.Transaction, Id) { Values = peers, Token = token }
            : Nodes(g.Transaction, NodeId.From(g.InfoHash), family) with { Token = token };
    }

    private KrpcMessage Announce(AnnouncePeerQuery a, IPEndPoint from, DateTimeOffset now)
    {
        if (!_tokens.IsValid(from.Address, a.Token, now))
            return new KrpcError(a.Transaction, KrpcError.Protocol, "invalid token");
        var peer = new IPEndPoint(from.Address, a.ImpliedPort ? from.Port : a.Port);
        if (Store.Add(a.InfoHash, peer, now)) _fx.PeerAnnounced(a.InfoHash, peer);
        return new KrpcResponse(a.Transaction, Id);
    }
}
