using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Core.Dht;
using Engine.Core.Primitives;

namespace Engine.Dht;

/// <summary>What the engine asks of its DHT node: track a torrent, one lookup, a node to ping, its status.</summary>
internal sealed partial class DhtNode
{
    /// <summary>Look up <paramref name="InfoHash"/>'s peers now and every lookup interval, announcing us on <paramref name="Port"/>; found peers go to <paramref name="Subscriber"/>.</summary>
    public sealed record Track(InfoHash InfoHash, int Port, IActorRef Subscriber);

    public sealed record Untrack(InfoHash InfoHash, IActorRef Subscriber);

    /// <summary>One get_peers lookup, no announce: <see cref="PeersFromDht"/> as peers come, then <see cref="LookupFinished"/>, to the sender.</summary>
    public sealed record Lookup(InfoHash InfoHash);

    public sealed record LookupFinished(InfoHash InfoHash, int Peers, int Queried, int Answered, int Rounds);

    /// <summary>A node heard of elsewhere (a peer's PORT message): pinged, and it joins the table if it answers.</summary>
    public sealed record AddNode(IPEndPoint EndPoint);

    /// <summary>Replies <see cref="Status"/>.</summary>
    public sealed record GetStatus;

    public sealed record Status(string Id, int Nodes, int Buckets, int LookupsRunning, int LookupsWaiting, int StoredTorrents, int StoredPeers,
        IPAddress? ExternalAddress, long Malformed, long RateLimited, long QueriesAnswered);

    /// <summary>Replies <see cref="Table"/>: the routing table's nodes and the torrents stored.</summary>
    public sealed record GetTable;

    public sealed record Table(IReadOnlyList<TableNode> Nodes, IReadOnlyList<(InfoHash InfoHash, int Peers)> Stored);

    public sealed record TableNode(string Id, IPEndPoint EndPoint, int Bucket, bool Good, DateTimeOffset LastSeen);

    private sealed class Tracked(int port)
    {
        public int Port { get; } = port;
        public HashSet<IActorRef> Subscribers { get; } = new();
        public DateTimeOffset? LastLookup { get; set; }
        public bool Running { get; set; }

        /// <summary>Lookups in a row that found nobody: the next comes sooner (30 s, doubling) than the regular interval.</summary>
        public int Empty { get; set; }
    }

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);

    private readonly Dictionary<InfoHash, Tracked> _tracked = new();
    private readonly Dictionary<int, (InfoHash Hash, IActorRef? Requester)> _lookups = new();

    /// <summary>One-off lookups asked for before the node knew anyone to ask (the routers not yet resolved).</summary>
    private readonly List<(InfoHash Hash, IActorRef Requester)> _deferred = new();

    /// <summary>What the node answers while running: torrents tracked, one-off lookups, the API's questions.</summary>
    private bool Requests(object message)
    {
        switch (message)
        {
            case Track m:
                if (!_tracked.TryGetValue(m.InfoHash, out var t)) _tracked[m.InfoHash] = t = new Tracked(m.Port);
                if (t.Subscribers.Add(m.Subscriber)) Context.Watch(m.Subscriber);
                if (!t.Running && _core.CanLookUp) LookUp(m.InfoHash, t); // else at the first tick that can
                return true;
            case Untrack m: Unsubscribe(m.InfoHash, m.Subscriber); return true;
            case Terminated m:
                foreach (var hash in _tracked.Where(e => e.Value.Subscribers.Contains(m.ActorRef)).Select(e => e.Key).ToList()) Unsubscribe(hash, m.ActorRef);
                return true;
            case Lookup m:
                if (_core.CanLookUp) _lookups[_core.GetPeers(m.InfoHash, null, false, Now)] = (m.InfoHash, Sender);
                else _deferred.Add((m.InfoHash, Sender));
                return true;
            case AddNode m: _core.AddNode(m.EndPoint, Now); return true;
            case GetTable: Sender.Tell(TableNow()); return true;
            case GetStatus:
                Sender.Tell(new Status(_core.Id.ToString(), _core.Table.Count, _core.Table.BucketCount, _core.LookupsRunning,
                    _core.LookupsWaiting, _core.Store.TorrentCount, _core.Store.PeerCount, _core.ExternalAddress, _core.Malformed, _core.RateLimited, _core.QueriesAnswered));
                return true;
            default: return false;
        }
    }

    private Table TableNow()
    {
        var now = Now;
        var nodes = new List<TableNode>(_core.Table.Count);
        for (var b = 0; b < _core.Table.Buckets.Count; b++)
            foreach (var n in _core.Table.Buckets[b].Nodes)
                nodes.Add(new TableNode(n.Contact.Id.ToString(), n.Contact.EndPoint, b, n.IsGood(now), n.LastSeen));
        return new Table(nodes, _core.Store.Torrents().ToList());
    }

    private void Unsubscribe(InfoHash hash, IActorRef subscriber)
    {
        if (!_tracked.TryGetValue(hash, out var t)) return;
        t.Subscribers.Remove(subscriber);
        if (t.Subscribers.Count == 0) _tracked.Remove(hash);
    }

    /// <summary>Tracked torrents whose last lookup is older than the interval get a new one (a few per tick).</summary>
    private void LookUpDueTorrents()
    {
        if (!_core.CanLookUp) return;
        foreach (var (hash, requester) in _deferred) _lookups[_core.GetPeers(hash, null, false, Now)] = (hash, requester);
        _deferred.Clear();
        var started = 0;
        foreach (var (hash, t) in _tracked)
        {
            if (started == 4) return;
            var wait = t.Empty == 0 ? _options.LookupInterval : TimeSpan.FromTicks(Math.Min(FirstRetry.Ticks << Math.Min(t.Empty - 1, 10), _options.LookupInterval.Ticks));
            if (t.Running || t.LastLookup is { } last && Now - last < wait) continue;
            LookUp(hash, t);
            started++;
        }
    }

    private void LookUp(InfoHash hash, Tracked t)
    {
        t.Running = true;
        t.LastLookup = Now;
        // implied_port: the peer port is our UDP source port, the same number as the TCP listen port (BEP 5; helps behind NAT).
        _lookups[_core.GetPeers(hash, t.Port, impliedPort: true, Now)] = (hash, null);
    }

    private void Deliver(int lookup, InfoHash hash, IReadOnlyList<IPEndPoint> peers)
    {
        if (!_lookups.TryGetValue(lookup, out var l)) return;
        var found = new PeersFromDht(hash, peers);
        if (l.Requester is not null) l.Requester.Tell(found);
        else if (_tracked.TryGetValue(hash, out var t)) foreach (var s in t.Subscribers) s.Tell(found);
    }

    private void Finished(LookupReport report)
    {
        if (!_lookups.Remove(report.Id, out var l)) return;
        var hash = l.Hash;
        l.Requester?.Tell(new LookupFinished(hash, report.Peers, report.Queried, report.Answered, report.Rounds));
        if (l.Requester is null && _tracked.TryGetValue(hash, out var t))
        {
            t.Running = false;
            t.Empty = report.Peers > 0 ? 0 : t.Empty + 1;
        }
        if (_log.IsDebugEnabled)
            _log.Debug($"DHT lookup of {hash}: {report.Peers} peers, {report.Queried} nodes asked, {report.Answered} answered, {report.Rounds} rounds, " +
                       $"announced to {report.Announced}; closest {string.Join(" ", report.Closest)}");
    }
}
