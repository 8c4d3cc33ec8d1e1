using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// One mainline DHT node (BEP 5), pure: datagrams, ticks and requests in; datagrams to send and lookup results out
/// (<see cref="IDhtEffects"/>). It answers queries (ping, find_node, get_peers, announce_peer) from its routing table,
/// token secret and peer store, runs iterative lookups (its own transactions, timeouts and routing table upkeep), and
/// learns its external address from other nodes (BEP 42). The actor <c>DhtNode</c> is its shell; the parts are this
/// file (requests and ticks), <c>DhtCore.Queries.cs</c> (answering) and <c>DhtCore.Lookups.cs</c> (asking).
/// </summary>
internal sealed partial class DhtCore
{
    private readonly DhtSettings _settings;
    private readonly IDhtEffects _fx;
    private readonly Random _random;
    private readonly DhtTokens _tokens;
    private readonly QueryRateLimiter _limiter;
    private readonly ExternalAddressVotes _votes = new();
    private readonly HashSet<IPEndPoint> _routers = new();
    private DateTimeOffset _lastBootstrap, _lastMaintenance;
    private int _joinLookup;

    public DhtCore(NodeId id, DhtSettings settings, IDhtEffects effects, Random random, DateTimeOffset now)
    {
        _settings = settings;
        _fx = effects;
        _random = random;
        _tokens = new DhtTokens(random, now);
        _limiter = new QueryRateLimiter(settings.QueriesPerSource, settings.QueriesTotal);
        Table = new RoutingTable(id, now, settings.K);
        Store = new DhtPeerStore(settings.MaxPeersPerTorrent, settings.MaxTorrents);
        _nextTransaction = (ushort)random.Next(ushort.MaxValue);
        _lastMaintenance = now;
    }

    public NodeId Id => Table.Ours;
    public RoutingTable Table { get; private set; }
    public DhtPeerStore Store { get; }

    /// <summary>Our address as a majority of nodes report it (BEP 42), once known.</summary>
    public IPAddress? ExternalAddress => _votes.Address;

    /// <summary>Datagrams that were not KRPC, and queries refused by the rate limit.</summary>
    public long Malformed { get; private set; }
    public long RateLimited => _limiter.Refused;
    public long QueriesAnswered { get; private set; }

    /// <summary>
    /// Joins the DHT: a lookup of our own id, seeded with <paramref name="known"/> nodes (a saved routing table) or, when
    /// there are none, with the <paramref name="routers"/> (whose ids we do not know). The routers stay the fallback: they are
    /// asked again while the table is empty. A router that answers is a node like any other.
    /// </summary>
    public void Bootstrap(IReadOnlyCollection<DhtContact> known, IEnumerable<IPEndPoint> routers, DateTimeOffset now)
    {
        foreach (var r in routers) _routers.Add(r);
        _lastBootstrap = now;
        var seeds = known.Count > 0 ? known : _routers.Select(r => new DhtContact(default, r)).ToList();
        if (seeds.Count == 0) return;
        var join = new DhtLookup(NextLookupId(), Id, getPeers: false, seeds, _settings.K, _settings.Alpha);
        _joinLookup = join.Id;
        Start(join, now);
    }

    /// <summary>
    /// The lookup of our own id found our neighbours; now every other bucket gets a lookup of a random id in its range
    /// (as Kademlia's join does), so that the table knows some far nodes too — answers only ever name nodes near the target.
    /// </summary>
    private void Joined(DateTimeOffset now)
    {
        for (var i = 0; i < Table.BucketCount - 1; i++) FindNode(Table.RandomIdIn(i, _random), now);
    }

    /// <summary>Finds peers of <paramref name="infoHash"/>; with <paramref name="announcePort"/>, then announces us to the closest nodes. Returns the lookup's id.</summary>
    public int GetPeers(InfoHash infoHash, int? announcePort, bool impliedPort, DateTimeOffset now)
    {
        var lookup = new DhtLookup(NextLookupId(), NodeId.From(infoHash), getPeers: true, Seeds(NodeId.From(infoHash)), _settings.K, _settings.Alpha);
        if (announcePort is { } port) _announces[lookup.Id] = (infoHash, port, impliedPort);
        Start(lookup, now);
        // Peers announced to us are answers too (we may be one of the closest nodes ourselves).
        var stored = Store.Get(infoHash, IpFamily.V4, _settings.MaxValues, now, _random);
        stored.AddRange(Store.Get(infoHash, IpFamily.V6, _settings.MaxValues, now, _random));
        if (stored.Count > 0) _fx.PeersFound(lookup.Id, infoHash, stored);
        return lookup.Id;
    }

    /// <summary>Looks for the nodes closest to <paramref name="target"/> (a refresh, or a test). Returns the lookup's id.</summary>
    public int FindNode(NodeId target, DateTimeOffset now)
    {
        var lookup = new DhtLookup(NextLookupId(), target, getPeers: false, Seeds(target), _settings.K, _settings.Alpha);
        Start(lookup, now);
        return lookup.Id;
    }

    /// <summary>A node we heard of elsewhere (a peer's PORT message): ping it, and it joins the table if it answers.</summary>
    public void AddNode(IPEndPoint node, DateTimeOffset now) => Ping(new DhtContact(default, node), now);

    public void OnPacket(ReadOnlyMemory<byte> packet, IPEndPoint from, DateTimeOffset now)
    {
        KrpcMessage message;
        try { message = KrpcCodec.Decode(packet); }
        catch (KrpcException e)
        {
            Malformed++;
            // A query we could read the transaction of hears why (BEP 5: error 203), if it is not over the rate limit.
            if (e.Transaction is { } t && packet.Span.IndexOf("1:y1:q"u8) >= 0 && _limiter.Allow(from.Address, now))
                Send(new KrpcError(t, KrpcError.Protocol, e.Message) { ReportedAddress = from }, from);
            return;
        }
        switch (message)
        {
            case KrpcQuery q: OnQuery(q, from, now); break;
            case KrpcResponse r: OnResponse(r, from, now); break;
            case KrpcError e: OnError(e, from, now); break;
        }
    }

    /// <summary>The periodic tick (about once a second): timeouts, bucket refresh, bootstrap retry, store expiry.</summary>
    public void OnTick(DateTimeOffset now)
    {
        ExpireQueries(now);
        if (Table.Count == 0 && _routers.Count > 0 && now - _lastBootstrap >= _settings.BootstrapRetry)
            Bootstrap([], [], now);
        if (now - _lastMaintenance < TimeSpan.FromMinutes(1)) return;
        _lastMaintenance = now;
        Store.Sweep(now);
        if (Table.Count > 0)
            foreach (var target in Table.RefreshTargets(now, _settings.BucketRefresh, _random)) FindNode(target, now);
    }

    private List<DhtContact> Seeds(NodeId target)
    {
        var seeds = Table.Closest(target, _settings.K * 2);
        if (seeds.Count == 0) seeds.AddRange(_routers.Select(r => new DhtContact(default, r)));
        return seeds;
    }

    private void Send(KrpcMessage message, IPEndPoint to) => _fx.Send(KrpcCodec.Encode(message, _settings.Version), to);

    /// <summary>A majority says our address is new: BEP 42 wants an id that fits it, so the table is rebuilt around one.</summary>
    private void OnAddressVote(NodeId voter, IPAddress address, DateTimeOffset now)
    {
        if (!_votes.Vote(voter, address) || NodeIdSecurity.IsValid(Id, address)) return;
        var old = Table;
        Table = new RoutingTable(NodeIdSecurity.Generate(address, _random), now, _settings.K);
        foreach (var c in old.Contacts()) Table.Insert(c, now);
    }
}
