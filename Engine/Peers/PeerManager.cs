using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Core.Choking;
using Engine.Core.Peers;
using Engine.Core.Pex;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Dht;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>
/// Supervises one torrent's peer connections. Dials up to <see cref="PeerManagerSettings.MaxConnections"/>
/// addresses from its <see cref="PeerBook"/> (fed by trackers), accepts routed incoming connections,
/// replaces dropped peers (failed addresses back off exponentially) and runs the choker: a rechoke every
/// 10 s and an optimistic-unchoke rotation every 30 s. A peer that throws is stopped, never restarted —
/// its protocol state would be meaningless — and the PieceManager, which watches it, takes its claims back.
/// <para>Connections count against the per-torrent <see cref="PeerManagerSettings.MaxConnections"/> and the
/// engine-wide <see cref="SwarmContext.Connections"/> budget. A second connection to the same peer id is
/// closed: of two of our dials the older one stays, of two of theirs from one address the newer (it gave up on the
/// first); between our dial and theirs, both ends keep the one dialled by the greater peer id (as libtorrent does),
/// so that two engines dialling each other at once keep exactly one connection. Incoming addresses (ephemeral ports) are never dialled; the listen port a peer names in
/// its extension handshake is recorded as its dial address instead.</para>
/// <para>Between rechokes a free upload slot is filled at once: a peer that becomes interested is unchoked
/// when fewer than slots + 1 peers are unchoked, and a peer that loses interest is choked and its slot
/// given to another — without that a new peer would wait up to 10 s for its first byte.</para>
/// </summary>
internal sealed partial class PeerManager : UntypedActor, IWithTimers
{
    // ---- inputs -------------------------------------------------------------------------------------
    /// <summary>
    /// Addresses from a tracker (or a magnet's x.pe, or a test). <paramref name="UnderV2"/>: learnt in a hybrid's v2 swarm
    /// (announced under its truncated v2 hash), so dialled with that hash unless learnt in the v1 swarm too.
    /// </summary>
    public sealed record AddPeers(IReadOnlyList<IPEndPoint> Peers, PeerSource Source = PeerSource.Tracker, bool UnderV2 = false);
    /// <summary>A connection the listener accepted and routed here by info-hash.</summary>
    public sealed record IncomingPeer(IPeerTransport Transport, IPEndPoint Remote, Handshake Handshake, byte[] InitialBytes);
    /// <summary>
    /// A connection a magnet's metadata fetch dialled, handed on so the download goes on over it (no second dial): both
    /// handshakes are done, ours with <paramref name="OurReserved"/>; <paramref name="InitialBytes"/> are the peer's
    /// messages since, other than ut_metadata's, for the connection to read first. Taken only when our connections
    /// send the same reserved bits; otherwise closed (the address is dialled as any other).
    /// </summary>
    public sealed record HandedOver(IPeerTransport Transport, IPEndPoint Remote, Handshake Handshake, byte[] InitialBytes, ulong OurReserved)
    {
        /// <summary>Our handshake's round trip, measured by the fetch: the first request depth is sized from it, as on a dial.</summary>
        public TimeSpan? RoundTrip { get; init; }
    }
    /// <summary>Replies <see cref="Summary"/>.</summary>
    public sealed record GetSummary;
    /// <summary>Replies a list of <see cref="PeerStats"/> (one per handshaked peer).</summary>
    public sealed record GetPeers;
    /// <summary>Switches the choker between downloading and seeding policy.</summary>
    public sealed record SetSeeding(bool Seeding);
    /// <summary>Replies the engine-wide connection count and this torrent's, and its bans (observable in tests and benchmarks).</summary>
    public sealed record GetConnectionCount;
    public sealed record ConnectionCount(int Torrent, int Engine)
    {
        /// <summary>Bans held by the torrent's ban list.</summary>
        public int Bans { get; init; }
    }

    // ---- from peer connections ----------------------------------------------------------------------
    public sealed record PeerHandshaked(IPEndPoint Remote, PeerId PeerId);
    /// <summary>The listen port the peer named in its extension handshake.</summary>
    public sealed record PeerListenPort(int Port);
    /// <summary>A peer's connection ended; <paramref name="OverTcp"/>: a TCP connection had been opened (false: uTP, or none).</summary>
    public sealed record PeerDisconnected(IPEndPoint Remote, PeerId? PeerId, string Reason, bool Failed, bool Banned, long Downloaded = 0, long Uploaded = 0,
        bool OverTcp = false);
    public sealed record PeerStats(IPEndPoint Remote, PeerId? PeerId, double DownloadRate, double UploadRate, long Downloaded, long Uploaded,
        bool PeerInterested, bool AmChoking, bool AmInterested, bool PeerChoking, DateTimeOffset LastBlockAt, DateTimeOffset ConnectedAt, int PiecesHave,
        bool Snubbed)
    {
        /// <summary>Where we learnt of the peer (set by the PeerManager).</summary>
        public PeerSource Source { get; init; }

        /// <summary>The connection is RC4-encrypted (MSE/PE).</summary>
        public bool Encrypted { get; init; }

        /// <summary>The connection runs over uTP.</summary>
        public bool Utp { get; init; }
        /// <summary>A web seed's URL (its <see cref="Remote"/> is then the address standing for it); null for peers.</summary>
        public string? Url { get; init; }
    }

    // ---- outputs ------------------------------------------------------------------------------------
    /// <summary>Told to the parent after every rechoke (observable in tests): the regular slots' peers and the optimistic one.</summary>
    public sealed record Rechoked(IReadOnlyList<IPEndPoint> Regular, IPEndPoint? Optimistic)
    {
        public int Unchoked => Regular.Count + (Optimistic is null ? 0 : 1);
        public bool HasOptimistic => Optimistic is not null;
    }
    public sealed record Summary(int Connected, int Handshaked, int Known, double DownloadRate, double UploadRate, long Downloaded, long Uploaded);
    /// <summary>Told to the parent when a peer completes its handshake.</summary>
    public sealed record PeerUp(IPEndPoint Remote, PeerId PeerId, PeerSource Source, bool Outgoing);
    /// <summary>Told to the parent when a handshaked peer's connection ends.</summary>
    public sealed record PeerDown(IPEndPoint Remote, PeerId PeerId, string Reason);

    private sealed class Rechoke { public static readonly Rechoke Instance = new(); }
    private sealed class OptimisticUnchoke { public static readonly OptimisticUnchoke Instance = new(); }
    private sealed class Redial { public static readonly Redial Instance = new(); }
    private sealed record ForgetTerminated(IActorRef Actor);

    private sealed class PeerEntry(int key, IActorRef actor, IPEndPoint remote, bool outgoing, PeerSource source)
    {
        public PeerSource Source { get; } = source;
        public int Key { get; } = key;
        public IActorRef Actor { get; } = actor;
        public IPEndPoint Remote { get; } = remote;
        public bool Outgoing { get; } = outgoing;
        /// <summary>The book address this connection stands for: the dialled one, or the listen port an incoming peer named.</summary>
        public IPEndPoint? DialAddress = outgoing ? remote : null;
        public PeerId? PeerId;
        public PeerStats? Stats;
        public bool Choked = true;
        /// <summary>When a block last went either way (the connection's start until one does): turnover picks the idle.</summary>
        public DateTimeOffset LastActive;
        /// <summary>Asked to leave so that a newcomer gets its slot.</summary>
        public bool TurnedOver;
        /// <summary>Closed as a duplicate: its book address is now held by the connection that stayed.</summary>
        public bool Superseded;
        /// <summary>Its extension handshake named ut_holepunch (BEP 55).</summary>
        public bool Holepunch;
    }

    private readonly SwarmContext _ctx;
    private readonly PeerManagerSettings _settings;
    private readonly PeerBook _book;
    private readonly ConnectionHygiene _hygiene;
    private readonly Choker _choker;
    private readonly Random _random;
    private readonly Dictionary<IActorRef, PeerEntry> _peers = new();
    private readonly Dictionary<IPEndPoint, IActorRef> _byAddress = new();
    private long _closedDownloaded, _closedUploaded;
    private int _counter;
    private DateTimeOffset? _redialAt; // when the armed redial timer fires
    private bool _seeding;

    /// <summary>How long an address whose peer was a seed waits before we dial it again while we seed too.</summary>
    public static readonly TimeSpan SeedRetry = TimeSpan.FromMinutes(30);

    public PeerManager(SwarmContext ctx, PeerManagerSettings settings)
    {
        _ctx = ctx;
        _settings = settings;
        _book = new PeerBook(settings.RetryBackoff, bans: new BanList(settings.BanCapacity, settings.BanDuration));
        _hygiene = new ConnectionHygiene(settings.MaxConnectionsPerHost, settings.IdleTurnover);
        _choker = new Choker(settings.UploadSlots, settings.OptimisticInterval);
        _random = new Random(settings.Seed);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AddPeers m:
                _book.Add(m.Peers, m.Source, m.UnderV2);
                Dial();
                break;
            case IncomingPeer m: OnIncoming(m); break;
            case HandedOver m: OnHandedOver(m); break;
            case Pieces.PieceManager.BanAddress m: OnBanAddress(m); break;
            case PeerHandshaked m: OnHandshaked(m); break;
            case PeerListenPort m: OnListenPort(m); break;
            case PeerStats m: OnStats(m); break;
            case PexTick: SendPex(); break;
            case PexPeersLearnt m: OnPexPeersLearnt(m); break;
            case YourAddressReported m: OnYourAddress(m); break;
            case WebSeeds.WebSeedActor.Report m: OnWebSeedReport(m); break;
            case WebSeeds.WebSeedActor.Ended m: OnWebSeedEnded(m); break;
            case DhtPortAnnounced m:
                if (_peers.TryGetValue(Sender, out var e)) _ctx.Dht.Tell(new DhtNode.AddNode(new IPEndPoint(e.Remote.Address, m.Port)));
                break;
            case PeerDisconnected m: OnDisconnected(m); break;
            // Terminated is a system message and may overtake the PeerDisconnected the peer told in PostStop:
            // queue the forgetting behind it, so that its reason (failed, banned) is the one recorded.
            case Terminated m: Self.Tell(new ForgetTerminated(m.ActorRef)); break;
            case ForgetTerminated m: Forget(m.Actor, failed: true, banned: false); break;
            case Rechoke: RunChoker(rotateOptimistic: false); break;
            case OptimisticUnchoke: RunChoker(rotateOptimistic: true); break;
            case Redial: Dial(); break;
            case SetSeeding m:
                _seeding = m.Seeding;
                WebSeedsFollowSeeding();
                break;
            case GetConnectionCount: Sender.Tell(new ConnectionCount(_peers.Count, _ctx.Connections.InUse) { Bans = _book.BanCount }); break;
            case GetSummary: Sender.Tell(BuildSummary()); break;
            case GetPeers:
                var list = new List<PeerStats>(_peers.Count);
                foreach (var p in _peers.Values)
                    if (p.Stats is not null) list.Add(p.Stats with { Source = p.Source });
                AddWebSeedStats(list);
                Sender.Tell(list);
                break;
            default:
                if (!HolepunchMessages(message)) Unhandled(message);
                break;
        }
    }

    private void OnDisconnected(PeerDisconnected m)
    {
        if (m.PeerId is not null && _peers.ContainsKey(Sender)) Context.Parent.Tell(new PeerDown(m.Remote, m.PeerId, m.Reason));
        if (_peers.TryGetValue(Sender, out var e) && e.Stats is not null)
            e.Stats = e.Stats with { Downloaded = m.Downloaded, Uploaded = m.Uploaded };
        else if (_peers.ContainsKey(Sender))
        {
            _closedDownloaded += m.Downloaded;
            _closedUploaded += m.Uploaded;
        }
        if (m.Failed && _peers.TryGetValue(Sender, out var failed)) DialFailed(failed, m.Reason);
        if (_peers.TryGetValue(Sender, out var dropped)) RememberTransport(dropped, m);
        Forget(Sender, m.Failed, m.Banned, m.Reason == PeerSession.BothSeedsReason);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SwarmContext ctx, PeerManagerSettings settings)
        => ActorProps.Of(() => new PeerManager(ctx, settings));

    /// <summary>A peer that throws is stopped (and its claims released by the PieceManager's watch).</summary>
    protected override SupervisorStrategy SupervisorStrategy()
        => new OneForOneStrategy(e =>
        {
            Context.GetLogger().Warning("peer failed and is stopped: {0}", e.Message);
            return Directive.Stop;
        });

    protected override void PreStart()
    {
        UpdateTimers();
        StartWebSeeds();
    }

    /// <summary>
    /// The timers run only while they have work: the rechoke and the optimistic unchoke while a peer is connected
    /// (started when the first one arrives, so the first rechoke comes a full interval after it), and the redial
    /// only when an address in the book falls due (at most every RedialInterval). An idle torrent (no peers, nothing
    /// to dial) has none: with 1 000 idle torrents, firing them was most of the engine's idle CPU (docs/performance.md,
    /// case 5). Called after every change of the peers or the book (<see cref="Dial"/> and <see cref="OnIncoming"/>).
    /// </summary>
    private void UpdateTimers()
    {
        var connected = _peers.Count > 0;
        if (connected != Timers.IsTimerActive("rechoke"))
        {
            if (connected)
            {
                Timers.StartPeriodicTimer("rechoke", Rechoke.Instance, _settings.RechokeInterval);
                Timers.StartPeriodicTimer("optimistic", OptimisticUnchoke.Instance, _settings.OptimisticInterval);
                if (_ctx.Pex) Timers.StartPeriodicTimer("pex", PexTick.Instance, PexRound);
            }
            else
            {
                Timers.Cancel("rechoke");
                Timers.Cancel("optimistic");
                Timers.Cancel("pex");
            }
        }
        if (_book.NextRetry(Now) is not { } due)
        {
            Timers.Cancel("redial");
            _redialAt = null;
            return;
        }
        var now = Now;
        var at = Max(due, now + _settings.RedialInterval);
        if (Timers.IsTimerActive("redial") && _redialAt <= at) return;
        Timers.StartSingleTimer("redial", Redial.Instance, at - now);
        _redialAt = at;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>The peers stop with us; their engine-wide connection slots are given back here.</summary>
    protected override void PostStop()
    {
        if (_peers.Count > 0) _ctx.Connections.Release(_peers.Count);
        _peers.Clear();
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private void Dial()
    {
        DialDue();
        UpdateTimers();
    }

    private void DialDue()
    {
        var free = _settings.MaxConnections - _peers.Count;
        if (free <= 0) return;
        foreach (var ep in _book.Take(free, Now))
        {
            if (_byAddress.ContainsKey(ep)) continue;
            if (_hygiene.HostFull(ep, null, Connections()))
            {
                // Already connected to a peer on that address: one per host (the address waits for a later round).
                _book.Disconnected(ep, failed: false, Now, retryIn: _settings.RetryBackoff);
                continue;
            }
            if (!_ctx.Connections.TryAcquire())
            {
                // The engine is full: the address waits for a later round.
                _book.Disconnected(ep, failed: false, Now, retryIn: _settings.RedialInterval);
                continue;
            }
            // A hybrid's peer learnt only in its v2 swarm is dialled with the v2 hash (and its MSE key), as it may know no other.
            var v2 = _ctx.V2InfoHash is { } h && h != _ctx.InfoHash && _book.LearntUnderV2(ep) ? h : (InfoHash?)null;
            var actor = Context.ActorOf(PeerConnection.Outgoing(_ctx, ep, DialerFor(ep, v2 is not null), v2), $"peer-{++_counter}");
            Track(actor, ep, outgoing: true);
        }
    }

    private void OnIncoming(IncomingPeer m)
    {
        // An address we are still dialling may call us at the same time (a hole punch does just that): both go on, the duplicate rule keeps one.
        if (_byAddress.TryGetValue(m.Remote, out var same) && !(_peers.TryGetValue(same, out var dialling) && dialling.Outgoing && dialling.PeerId is null)
            || _book.IsBanned(m.Remote, Now) || _hygiene.HostFull(m.Remote, m.Handshake.PeerId, Connections())
            || !_ctx.Connections.TryAcquire())
        {
            m.Transport.Dispose();
            return;
        }
        if (_peers.Count - _turningOver >= _settings.MaxConnections && !TurnOver())
        {
            _ctx.Connections.Release();
            m.Transport.Dispose();
            return;
        }
        var actor = Context.ActorOf(PeerConnection.Incoming(_ctx, m.Remote, m.Transport, m.Handshake, m.InitialBytes), $"peer-{++_counter}");
        Track(actor, m.Remote, outgoing: false);
        UpdateTimers();
    }

    private void OnHandedOver(HandedOver m)
    {
        // Our handshake went out with the fetch's reserved bits: the session must see the same (fast extension, DHT, v2).
        if (m.OurReserved != PeerSessionContext.ReservedBits(_ctx.DhtPort, _ctx.V2InfoHash is not null) || _byAddress.ContainsKey(m.Remote)
            || _book.IsBanned(m.Remote, Now) || !_ctx.Connections.TryAcquire())
        {
            m.Transport.Dispose();
            return;
        }
        _book.MarkConnected(m.Remote, Now); // as if dialled from the book: not dialled again while connected
        var actor = Context.ActorOf(PeerConnection.HandedOver(_ctx, m), $"peer-{++_counter}");
        Track(actor, m.Remote, outgoing: true);
        UpdateTimers();
    }

    /// <summary>The torrent's connections as the per-host rule sees them.</summary>
    private IEnumerable<HostConnection> Connections()
    {
        foreach (var e in _peers.Values)
            if (!e.Superseded && !e.TurnedOver) yield return new HostConnection(e.Remote, e.PeerId, e.Outgoing);
    }

    private int _turningOver; // connections asked to leave for a newcomer, still in _peers until they have gone

    /// <summary>Every slot is taken: asks the least useful peer (idle, no interest either way) to leave; false when none qualifies.</summary>
    private bool TurnOver()
    {
        var candidates = new List<SlotPeer>(_peers.Count);
        var byKey = new Dictionary<int, PeerEntry>(_peers.Count);
        foreach (var e in _peers.Values)
        {
            if (e.TurnedOver || e.Superseded || e.Stats is not { } s) continue;
            byKey[e.Key] = e;
            candidates.Add(new SlotPeer(e.Key, s.PeerInterested, s.AmInterested, s.ConnectedAt, e.LastActive));
        }
        if (_hygiene.ChooseTurnover(candidates, Now) is not { } key) return false;
        var victim = byKey[key];
        victim.TurnedOver = true;
        _turningOver++;
        victim.Actor.Tell(new PeerConnection.Disconnect($"turned over: idle for {(Now - victim.LastActive).TotalSeconds:0} s, its slot went to a new peer"));
        return true;
    }

    private void Track(IActorRef actor, IPEndPoint remote, bool outgoing)
    {
        Context.Watch(actor);
        _peers[actor] = new PeerEntry(_counter, actor, remote, outgoing, outgoing ? _book.SourceOf(remote) : PeerSource.Incoming) { LastActive = Now };
        _byAddress[remote] = actor;
    }

    private void OnHandshaked(PeerHandshaked m)
    {
        if (!_peers.TryGetValue(Sender, out var entry)) return;
        entry.PeerId = m.PeerId;
        if (_hygiene.HostFull(entry.Remote, m.PeerId, Connections().Where(c => !ReferenceEquals(c.Remote, entry.Remote))))
        {
            // Another peer on that address is connected already (one per host).
            entry.Actor.Tell(new PeerConnection.Disconnect($"another peer at {entry.Remote.Address} is connected already"));
            return;
        }
        Context.Parent.Tell(new PeerUp(m.Remote, m.PeerId, entry.Source, entry.Outgoing));
        SoonPex();
        foreach (var other in _peers.Values)
        {
            if (other == entry || other.Superseded || !m.PeerId.Equals(other.PeerId)) continue;
            var (keep, drop) = ChooseBetween(other, entry);
            drop.Superseded = true;
            if (keep.DialAddress is null && drop.DialAddress is not null)
            {
                keep.DialAddress = drop.DialAddress; // the book address stays "connected" through the survivor
                drop.DialAddress = null;
            }
            drop.Actor.Tell(new PeerConnection.Disconnect(drop == other && !drop.Outgoing && !keep.Outgoing
                ? "replaced: the peer connected again" : "a duplicate: another connection to the same peer stays"));
            return;
        }
    }

    /// <summary>Which of two connections to the same peer stays (<see cref="DuplicateConnections"/>).</summary>
    private (PeerEntry Keep, PeerEntry Drop) ChooseBetween(PeerEntry older, PeerEntry newer) =>
        DuplicateConnections.KeepNewer(_ctx.OurId, newer.PeerId!, older.Outgoing, older.Remote, newer.Outgoing, newer.Remote)
            ? (newer, older) : (older, newer);

    private void OnListenPort(PeerListenPort m)
    {
        if (!_peers.TryGetValue(Sender, out var entry) || entry.Outgoing || entry.DialAddress is not null || entry.Superseded) return;
        var address = new IPEndPoint(entry.Remote.Address, m.Port);
        // We are dialling it: the duplicate rule settles that one. (Over uTP the remote is the listen address itself.)
        if (_byAddress.TryGetValue(address, out var other) && !other.Equals(Sender)) return;
        if (_book.MarkConnected(address, Now)) entry.DialAddress = address;
    }

    private void OnStats(PeerStats m)
    {
        if (!_peers.TryGetValue(Sender, out var e)) return;
        if (m.Downloaded != (e.Stats?.Downloaded ?? 0) || m.Uploaded != (e.Stats?.Uploaded ?? 0)) e.LastActive = Now;
        e.Stats = m;
        if (e.Choked && m.PeerInterested && UnchokedCount() < _choker.Slots + 1)
            SetChoke(e, choke: false);
        else if (!e.Choked && !m.PeerInterested)
        {
            // It wants nothing from us: its slot goes to someone who does.
            SetChoke(e, choke: true);
            FillFreeSlots();
        }
    }

    private int UnchokedCount()
    {
        var n = 0;
        foreach (var e in _peers.Values)
            if (!e.Choked) n++;
        return n;
    }

    private void FillFreeSlots()
    {
        var free = _choker.Slots + 1 - UnchokedCount();
        if (free <= 0) return;
        foreach (var e in _peers.Values)
        {
            if (free == 0) return;
            if (!e.Choked || e.Superseded || e.Stats is not { PeerInterested: true }) continue;
            SetChoke(e, choke: false);
            free--;
        }
    }

    private static void SetChoke(PeerEntry e, bool choke)
    {
        e.Choked = choke;
        e.Actor.Tell(new PeerConnection.SetChoke(choke));
    }

    private void Forget(IActorRef actor, bool failed, bool banned, bool seed = false)
    {
        if (!_peers.Remove(actor, out var entry)) return;
        _ctx.Connections.Release();
        if (entry.TurnedOver) _turningOver--;
        if (_byAddress.TryGetValue(entry.Remote, out var mapped) && mapped.Equals(actor))
        {
            _byAddress.Remove(entry.Remote);
            foreach (var other in _peers.Values)
                if (other.Remote.Equals(entry.Remote)) _byAddress[other.Remote] = other.Actor; // the other of a simultaneous open
        }
        if (entry.Stats is not null)
        {
            _closedDownloaded += entry.Stats.Downloaded;
            _closedUploaded += entry.Stats.Uploaded;
        }
        if (banned)
        {
            _book.Ban(entry.Remote, Now);
            if (entry.DialAddress is { } dial) _book.Ban(dial, Now);
        }
        else if (entry.DialAddress is { } dial)
        {
            // A duplicate's address leads to a peer we are connected to; a seed is not worth dialling again
            // soon while we seed too.
            var retry = entry.Superseded || seed && _seeding ? SeedRetry : (TimeSpan?)null;
            _book.Disconnected(dial, failed && !entry.Superseded, Now, retry);
        }
        if (!entry.Choked) FillFreeSlots();
        Dial();
    }

    /// <summary>
    /// Smart ban found the peer behind <see cref="Pieces.PieceManager.BanAddress.Key"/> guilty: its address is banned
    /// (it may have gone already) and any connection of it still open is closed as banned.
    /// </summary>
    private void OnBanAddress(Pieces.PieceManager.BanAddress m)
    {
        _book.Ban(m.Key, Now);
        foreach (var e in _peers.Values)
            if (PeerAddress.Key(e.Remote).Equals(m.Key) || e.DialAddress is { } d && PeerAddress.Key(d).Equals(m.Key))
                e.Actor.Tell(new Pieces.PieceManager.BanPeer(m.Reason));
    }

    /// <summary>
    /// Applies the choker's decision. Runs on the 10 s rechoke timer, and on the 30 s optimistic timer, which
    /// rotates the optimistic unchoke.
    /// </summary>
    private void RunChoker(bool rotateOptimistic)
    {
        var now = Now.UtcDateTime;
        var snapshot = new List<ChokerPeer>(_peers.Count);
        var byKey = new Dictionary<int, PeerEntry>(_peers.Count);
        foreach (var e in _peers.Values)
        {
            if (e.Stats is not { } s || e.Superseded) continue;
            byKey[e.Key] = e;
            snapshot.Add(new ChokerPeer(e.Key, s.PeerInterested, e.Choked, s.DownloadRate, s.UploadRate,
                s.LastBlockAt == default ? null : s.LastBlockAt.UtcDateTime, s.ConnectedAt.UtcDateTime, s.Snubbed));
        }
        var decision = _choker.Rechoke(snapshot, _seeding, now, _random, rotateOptimistic);
        foreach (var key in decision.Unchoke) SetChoke(byKey[key], choke: false);
        foreach (var key in decision.Choke) SetChoke(byKey[key], choke: true);
        var regular = new List<IPEndPoint>(decision.Unchoked.Count);
        foreach (var key in decision.Unchoked)
            if (key != decision.Optimistic) regular.Add(byKey[key].Remote);
        var optimistic = decision.Optimistic is { } o ? byKey[o].Remote : null;
        Context.Parent.Tell(new Rechoked(regular, optimistic));
    }

    private Summary BuildSummary()
    {
        double down = 0, up = 0;
        long downloaded = _closedDownloaded, uploaded = _closedUploaded;
        var handshaked = 0;
        foreach (var e in _peers.Values)
        {
            if (e.PeerId is not null) handshaked++;
            if (e.Stats is not { } s) continue;
            down += s.DownloadRate;
            up += s.UploadRate;
            downloaded += s.Downloaded;
            uploaded += s.Uploaded;
        }
        var webSeeds = AddWebSeedFigures(ref down, ref downloaded);
        return new Summary(_peers.Count + webSeeds, handshaked + webSeeds, _book.Count, down, up, downloaded, uploaded);
    }
}
