using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Api;
using Engine.Cluster.Catalog;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using AkkaCluster = Akka.Cluster.Cluster;
using Akka.DistributedData;

namespace Engine.Cluster.Nodes;

/// <summary>
/// One node of a torrent cluster: the thin shell between Akka.Cluster (membership), Akka.DistributedData (the
/// catalog, the nodes' listen endpoints, the replicas' progress) and the node's own <see cref="TorrentEngine"/>.
/// On every change it recomputes placement (<see cref="Core.Cluster.ReplicaPlacement"/>) over the reachable Up
/// members and adds or removes torrents on its engine; each torrent it holds gets the other holders' endpoints as peers,
/// so a new replica fills from the existing ones over BitTorrent. Files: membership and catalog here,
/// <c>.Replicas.cs</c> (the engine's side), <c>.Requests.cs</c> (the API's messages).
/// </summary>
internal sealed partial class ClusterNode : ReceiveActor, IWithTimers
{
    private readonly TorrentEngine _engine;
    private readonly string _dataDirectory;
    private readonly IPEndPoint _advertised;
    private readonly TimeSpan _refresh;
    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _self;

    /// <summary>Members by address, with whether they are Up (placement counts only reachable Up members).</summary>
    private readonly Dictionary<string, bool> _members = new();
    private readonly HashSet<string> _unreachable = new();
    private readonly Dictionary<InfoHash, (string Text, CatalogEntry Entry, TorrentMetainfo Meta)> _catalog = new();
    private readonly Dictionary<string, IPEndPoint> _endpoints = new();

    /// <summary>The settings registers by torrent (<see cref="TorrentSettings"/>), applied over the entries in <see cref="_catalog"/>.</summary>
    private Dictionary<InfoHash, Dictionary<string, string>> _settings = new();
    private readonly Dictionary<string, ReplicaProgress> _progress = new();

    public ClusterNode(TorrentEngine engine, string dataDirectory, IPEndPoint advertised, TimeSpan refresh)
    {
        _engine = engine;
        _dataDirectory = dataDirectory;
        _advertised = advertised;
        _refresh = refresh;
        _self = _cluster.SelfAddress.ToString();
        Membership();
        CatalogChanges();
        Replicas();
        Requests();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TorrentEngine engine, string dataDirectory, IPEndPoint advertised, TimeSpan refresh) =>
        Akka.Actor.Props.Create(() => new ClusterNode(engine, dataDirectory, advertised, refresh));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(Akka.Cluster.ClusterEvent.IMemberEvent), typeof(Akka.Cluster.ClusterEvent.IReachabilityEvent));
        foreach (var key in new[] { ClusterKeys.Torrents, ClusterKeys.Settings, ClusterKeys.Endpoints, ClusterKeys.Progress })
            _replicator.Tell(Dsl.Subscribe(key, Self));
        Write(ClusterKeys.Endpoints, d => d.SetItem(_cluster.SelfUniqueAddress, _self, _advertised.ToString()));
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, _refresh);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Membership()
    {
        Receive<Akka.Cluster.ClusterEvent.MemberUp>(m => Member(m.Member, up: true));
        Receive<Akka.Cluster.ClusterEvent.MemberJoined>(m => Member(m.Member, up: false));
        Receive<Akka.Cluster.ClusterEvent.MemberWeaklyUp>(m => Member(m.Member, up: false));
        Receive<Akka.Cluster.ClusterEvent.MemberLeft>(m => Member(m.Member, up: false));
        Receive<Akka.Cluster.ClusterEvent.MemberExited>(m => Member(m.Member, up: false));
        Receive<Akka.Cluster.ClusterEvent.MemberRemoved>(m =>
        {
            var address = m.Member.Address.ToString();
            _members.Remove(address);
            _unreachable.Remove(address);
            Forget(address);
            ScheduleReconcile();
        });
        Receive<Akka.Cluster.ClusterEvent.UnreachableMember>(m =>
        {
            _unreachable.Add(m.Member.Address.ToString());
            ScheduleReconcile();
        });
        Receive<Akka.Cluster.ClusterEvent.ReachableMember>(m =>
        {
            _unreachable.Remove(m.Member.Address.ToString());
            ScheduleReconcile();
        });
        Receive<Akka.Cluster.ClusterEvent.IMemberEvent>(_ => { });
        Receive<Settled>(_ => Reconcile());
    }

    private void Member(Akka.Cluster.Member member, bool up)
    {
        _members[member.Address.ToString()] = up;
        ScheduleReconcile();
    }

    /// <summary>The nodes placement counts: reachable Up members.</summary>
    private List<string> PlacementNodes()
    {
        var nodes = new List<string>(_members.Count);
        foreach (var (address, up) in _members)
            if (up && !_unreachable.Contains(address)) nodes.Add(address);
        return nodes;
    }

    private void CatalogChanges()
    {
        Receive<Changed>(c => c.Key.Equals(ClusterKeys.Torrents), c =>
        {
            ReadCatalog(c.Get(ClusterKeys.Torrents));
            ScheduleReconcile();
        });
        Receive<Changed>(c => c.Key.Equals(ClusterKeys.Settings), c =>
        {
            var before = _settings;
            _settings = TorrentSettings.ByTorrent(c.Get(ClusterKeys.Settings).Entries);
            foreach (var (hash, (text, _, meta)) in _catalog.ToList())
                if (!SameFields(before.GetValueOrDefault(hash), _settings.GetValueOrDefault(hash)) && CatalogEntry.TryDecode(text, out _) is { } entry)
                    _catalog[hash] = (text, TorrentSettings.Apply(entry, _settings.GetValueOrDefault(hash), meta.Files.Count), meta);
            ScheduleReconcile();
        });
        Receive<Changed>(c => c.Key.Equals(ClusterKeys.Endpoints), c =>
        {
            _endpoints.Clear();
            foreach (var (node, text) in c.Get(ClusterKeys.Endpoints).Entries)
                if (IPEndPoint.TryParse(text, out var ep)) _endpoints[node] = ep;
                else _log.Warning("cluster: node {0} published a bad endpoint '{1}'", node, text);
            GivePeers();
        });
        Receive<Changed>(c => c.Key.Equals(ClusterKeys.Progress), c =>
        {
            _progress.Clear();
            foreach (var (key, text) in c.Get(ClusterKeys.Progress).Entries)
                if (ReplicaProgress.TryDecode(text, out var p)) _progress[key] = p;
        });
    }

    private void ReadCatalog(LWWDictionary<string, string> torrents)
    {
        var seen = new HashSet<InfoHash>();
        List<(string Key, string Text)>? expired = null;
        foreach (var (key, text) in torrents.Entries)
        {
            if (CatalogTombstone.Is(text, out var removedAt))
            {
                if (CatalogTombstone.Expired(removedAt, DateTimeOffset.UtcNow)) (expired ??= []).Add((key, text));
                continue; // removed: not seen
            }
            if (!InfoHash.TryFromHex(key, out var hash)) { _log.Warning("cluster: catalog key '{0}' is no info-hash", key); continue; }
            seen.Add(hash);
            if (_catalog.TryGetValue(hash, out var known) && known.Text == text) continue;
            var entry = CatalogEntry.TryDecode(text, out var error);
            if (entry is null) { _log.Warning("cluster: catalog entry {0}: {1}", key, error); continue; }
            try
            {
                var meta = entry.Metainfo();
                _catalog[hash] = (text, TorrentSettings.Apply(entry, _settings.GetValueOrDefault(hash), meta.Files.Count), meta);
            }
            catch (MetainfoException e) { _log.Warning("cluster: catalog entry {0}: {1}", key, e.Message); }
        }
        foreach (var hash in _catalog.Keys.Where(h => !seen.Contains(h)).ToList())
        {
            _catalog.Remove(hash);
            if (!_held.ContainsKey(hash) && !_adding.Contains(hash)) DeleteLeftover(hash);
        }
        // Old tombstones go (unless the key was written again meanwhile: the replicator's current value is compared).
        if (expired is not null)
            Write(ClusterKeys.Torrents, d =>
            {
                foreach (var (key, text) in expired)
                    if (d.TryGetValue(key, out var now) && now == text) d = d.Remove(_cluster.SelfUniqueAddress, key);
                return d;
            });
    }

    private static bool SameFields(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        a is null || b is null ? a == b : a.Count == b.Count && a.All(f => b.TryGetValue(f.Key, out var v) && v == f.Value);

    /// <summary>
    /// Removes what a removed member published (its endpoint, its replicas' progress) so the replicated data does not grow
    /// with every node that ever was. Every node does it; the removals are idempotent and merge.
    /// </summary>
    private void Forget(string node)
    {
        var keys = _progress.Keys.Where(k => ReplicaProgress.TrySplitKey(k, out _, out var n) && n == node).ToList();
        if (keys.Count > 0)
            Write(ClusterKeys.Progress, d =>
            {
                foreach (var key in keys) d = d.Remove(_cluster.SelfUniqueAddress, key);
                return d;
            });
        if (_endpoints.Remove(node)) Write(ClusterKeys.Endpoints, d => d.Remove(_cluster.SelfUniqueAddress, node));
    }

    private void Write(LWWDictionaryKey<string, string> key, Func<LWWDictionary<string, string>, LWWDictionary<string, string>> modify, object? request = null) =>
        _replicator.Tell(Dsl.Update(key, LWWDictionary<string, string>.Empty, WriteLocal.Instance, request, modify));

    /// <summary>
    /// Membership and catalog changes come in bursts (a gossip round can bring every member Up at once, one event each):
    /// placement is recomputed once, <see cref="SettleDelay"/> after the first change, on the state they all left.
    /// </summary>
    private void ScheduleReconcile()
    {
        if (!Timers.IsTimerActive("reconcile")) Timers.StartSingleTimer("reconcile", Settled.Instance, SettleDelay);
    }

    private static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(200);

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private sealed class Settled
    {
        public static readonly Settled Instance = new();
    }
}
