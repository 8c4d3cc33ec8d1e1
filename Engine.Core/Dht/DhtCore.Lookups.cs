using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// Asking other nodes: every query is a transaction (2-byte id, the endpoint it went to, why), matched to its answer
/// only when the answer comes from that endpoint, and failed after <see cref="DhtSettings.QueryTimeout"/>. Lookups run
/// at most <see cref="DhtSettings.MaxLookups"/> at once (the rest queue); a finished get_peers lookup announces us to
/// the closest nodes that gave a token.
/// </summary>
internal sealed partial class DhtCore
{
    private enum Purpose { Lookup, Ping, Join, Announce }

    private sealed record Pending(IPEndPoint EndPoint, NodeId ExpectedId, Purpose Purpose, int Lookup, DateTimeOffset SentAt);

    private readonly Dictionary<ushort, Pending> _pending = new();
    private readonly Dictionary<int, DhtLookup> _lookups = new();
    private readonly Queue<DhtLookup> _waiting = new();
    private readonly Dictionary<int, (InfoHash Hash, int Port, bool Implied)> _announces = new();
    private ushort _nextTransaction;
    private int _joinPings;
    private int _nextLookup;

    public int LookupsRunning => _lookups.Count;
    public int LookupsWaiting => _waiting.Count;
    public int QueriesInFlight => _pending.Count;

    private int NextLookupId() => ++_nextLookup;

    private void Start(DhtLookup lookup, DateTimeOffset now)
    {
        if (_lookups.Count >= _settings.MaxLookups) { _waiting.Enqueue(lookup); return; }
        _lookups[lookup.Id] = lookup;
        Advance(lookup, now);
    }

    private void Advance(DhtLookup lookup, DateTimeOffset now)
    {
        foreach (var contact in lookup.Next())
        {
            KrpcQuery query = lookup.GetPeers
                ? new GetPeersQuery(Transaction(), Id, lookup.Target.ToInfoHash())
                : new FindNodeQuery(Transaction(), Id, lookup.Target);
            Ask(query, contact, Purpose.Lookup, lookup.Id, now);
        }
        if (lookup.IsDone) Finish(lookup, now);
    }

    private void Finish(DhtLookup lookup, DateTimeOffset now)
    {
        _lookups.Remove(lookup.Id);
        var announced = 0;
        if (_announces.Remove(lookup.Id, out var a))
            foreach (var (contact, token) in lookup.ClosestWithTokens())
            {
                Ask(new AnnouncePeerQuery(Transaction(), Id, a.Hash, a.Port, a.Implied, token), contact, Purpose.Announce, 0, now);
                announced++;
            }
        _fx.LookupDone(new LookupReport(lookup.Id, lookup.Target, lookup.GetPeers, lookup.Queried, lookup.Answered, lookup.Rounds, lookup.Peers.Count, announced)
        {
            Closest = lookup.ClosestAnswered(),
        });
        if (lookup.Id == _joinLookup && Table.Count > 0) Joined(now);
        else if (lookup.Id == _joinLookup && _joinThroughKnown && _routers.Count > 0) Bootstrap([], [], now); // nobody we knew answered: the routers now
        while (_lookups.Count < _settings.MaxLookups && _waiting.TryDequeue(out var next))
        {
            _lookups[next.Id] = next;
            Advance(next, now);
        }
    }

    private void Ping(DhtContact contact, DateTimeOffset now) => Ask(new PingQuery(Transaction(), Id), contact, Purpose.Ping, 0, now);

    private void Join(DhtContact contact, DateTimeOffset now)
    {
        _joinPings++;
        Ask(new PingQuery(Transaction(), Id), contact, Purpose.Join, 0, now);
    }

    private void Ask(KrpcQuery query, DhtContact to, Purpose purpose, int lookup, DateTimeOffset now)
    {
        _pending[BitConverter.ToUInt16(query.Transaction)] = new Pending(to.EndPoint, to.Id, purpose, lookup, now);
        Send(query, to.EndPoint);
    }

    private byte[] Transaction()
    {
        do _nextTransaction++;
        while (_pending.ContainsKey(_nextTransaction));
        return BitConverter.GetBytes(_nextTransaction);
    }

    private Pending? Take(KrpcMessage m, IPEndPoint from)
    {
        if (m.Transaction.Length != 2) return null;
        var t = BitConverter.ToUInt16(m.Transaction);
        if (!_pending.TryGetValue(t, out var p) || !p.EndPoint.Equals(from)) return null; // not ours, or not from whom we asked
        _pending.Remove(t);
        if (p.Purpose == Purpose.Join) _joinPings--;
        return p;
    }

    private void OnResponse(KrpcResponse r, IPEndPoint from, DateTimeOffset now)
    {
        if (Take(r, from) is not { } p) return;
        var contact = new DhtContact(r.Responder, from);
        if (r.Responder != Id && Table.Insert(contact, now) is { } stale) Ping(stale.Contact, now);
        if (r.ReportedAddress is { } seen) OnAddressVote(r.Responder, seen.Address, now);
        if (p.Purpose != Purpose.Lookup || !_lookups.TryGetValue(p.Lookup, out var lookup)) return;
        var nodes = (r.Nodes6.Count == 0 ? r.Nodes : r.Nodes.Concat(r.Nodes6)).Where(n => n.Id != Id).ToList(); // never ourselves
        var fresh = lookup.OnAnswer(contact, nodes, lookup.GetPeers ? r.Values : [], r.Token);
        if (fresh.Count > 0) _fx.PeersFound(lookup.Id, lookup.Target.ToInfoHash(), fresh);
        Advance(lookup, now);
    }

    private void OnError(KrpcError e, IPEndPoint from, DateTimeOffset now)
    {
        if (Take(e, from) is not { } p) return;
        Fail(p, now, timedOut: false);
    }

    private void ExpireQueries(DateTimeOffset now) => FailQueries(p => now - p.SentAt >= _settings.QueryTimeout, now);

    /// <summary>
    /// An ICMP error says nothing answers at <paramref name="to"/> (no DHT on that port, or no such host): its queries
    /// fail now, as they would at their timeout, so a lookup asks the next node instead of waiting
    /// <see cref="DhtSettings.QueryTimeout"/>. A forged error costs no more than a lost answer would.
    /// </summary>
    public void OnUnreachable(IPEndPoint to, DateTimeOffset now) => FailQueries(p => p.EndPoint.Equals(to), now);

    private void FailQueries(Func<Pending, bool> which, DateTimeOffset now)
    {
        List<(ushort, Pending)>? expired = null;
        foreach (var (t, p) in _pending)
            if (which(p)) (expired ??= []).Add((t, p));
        if (expired is null) return;
        foreach (var (t, p) in expired)
        {
            _pending.Remove(t);
            if (p.Purpose == Purpose.Join) _joinPings--;
            Fail(p, now, timedOut: true);
        }
    }

    private void Fail(Pending p, DateTimeOffset now, bool timedOut)
    {
        if (timedOut && p.ExpectedId != default) Table.Failed(p.ExpectedId, now);
        if (p.Purpose != Purpose.Lookup || !_lookups.TryGetValue(p.Lookup, out var lookup)) return;
        lookup.OnFailure(new DhtContact(p.ExpectedId, p.EndPoint));
        Advance(lookup, now);
    }
}
