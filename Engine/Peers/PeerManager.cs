using Akka.Event;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Engine.Choking;
using Engine.Primitives;
using Engine.Wire;

namespace Engine.Peers;

/// <summary>
/// Supervises one torrent's peer connections. Dials up to <see cref="PeerManagerSettings.MaxConnections"/>
/// addresses from its <see cref="PeerBook"/> (fed by trackers), accepts routed incoming connections,
/// replaces dropped peers (failed addresses back off exponentially) and runs the choker: a rechoke every
/// 10 s and an optimistic-unchoke rotation every 30 s. A peer that throws is stopped, never restarted —
/// its protocol state would be meaningless — and the PieceManager, which watches it, takes its claims back.
/// </summary>
public sealed class PeerManager : ReceiveActor, IWithTimers
{
    // ---- inputs -------------------------------------------------------------------------------------
    /// <summary>Addresses from a tracker (or a magnet's x.pe, or a test).</summary>
    public sealed record AddPeers(IReadOnlyList<IPEndPoint> Peers);
    /// <summary>A connection the listener accepted and routed here by info-hash.</summary>
    public sealed record IncomingPeer(Socket Socket, IPEndPoint Remote, Handshake Handshake, byte[] InitialBytes);
    /// <summary>Replies <see cref="Summary"/>.</summary>
    public sealed record GetSummary;
    /// <summary>Replies a list of <see cref="PeerStats"/> (one per handshaked peer).</summary>
    public sealed record GetPeers;
    /// <summary>Switches the choker between downloading and seeding policy.</summary>
    public sealed record SetSeeding(bool Seeding);

    // ---- from peer connections ----------------------------------------------------------------------
    public sealed record PeerHandshaked(IPEndPoint Remote, PeerId PeerId);
    public sealed record PeerDisconnected(IPEndPoint Remote, PeerId? PeerId, string Reason, bool Failed, bool Banned, long Downloaded = 0, long Uploaded = 0);
    public sealed record PeerStats(IPEndPoint Remote, PeerId? PeerId, double DownloadRate, double UploadRate, long Downloaded, long Uploaded,
        bool PeerInterested, bool AmChoking, bool AmInterested, bool PeerChoking, DateTimeOffset LastBlockAt, DateTimeOffset ConnectedAt, int PiecesHave,
        bool Snubbed);

    // ---- outputs ------------------------------------------------------------------------------------
    /// <summary>Told to the parent after every rechoke (observable in tests).</summary>
    public sealed record Rechoked(int Unchoked, bool HasOptimistic);
    public sealed record Summary(int Connected, int Handshaked, int Known, double DownloadRate, double UploadRate, long Downloaded, long Uploaded);

    private sealed class Rechoke { public static readonly Rechoke Instance = new(); }
    private sealed class OptimisticUnchoke { public static readonly OptimisticUnchoke Instance = new(); }
    private sealed class Redial { public static readonly Redial Instance = new(); }

    private sealed class PeerEntry(int key, IActorRef actor, IPEndPoint remote)
    {
        public int Key { get; } = key;
        public IActorRef Actor { get; } = actor;
        public IPEndPoint Remote { get; } = remote;
        public PeerId? PeerId;
        public PeerStats? Stats;
        public bool Choked = true;
    }

    private readonly SwarmContext _ctx;
    private readonly PeerManagerSettings _settings;
    private readonly PeerBook _book;
    private readonly Choker _choker;
    private readonly Random _random;
    private readonly Dictionary<IActorRef, PeerEntry> _peers = new();
    private readonly Dictionary<IPEndPoint, IActorRef> _byAddress = new();
    private long _closedDownloaded, _closedUploaded;
    private int _counter;
    private bool _seeding;

    public PeerManager(SwarmContext ctx, PeerManagerSettings settings)
    {
        _ctx = ctx;
        _settings = settings;
        _book = new PeerBook(settings.RetryBackoff);
        _choker = new Choker(settings.UploadSlots, settings.OptimisticInterval);
        _random = new Random(settings.Seed);
        Receive<AddPeers>(m =>
        {
            _book.Add(m.Peers);
            Dial();
        });
        Receive<IncomingPeer>(OnIncoming);
        Receive<PeerHandshaked>(OnHandshaked);
        Receive<PeerStats>(m =>
        {
            if (_peers.TryGetValue(Sender, out var e)) e.Stats = m;
        });
        Receive<PeerDisconnected>(m =>
        {
            if (_peers.TryGetValue(Sender, out var e) && e.Stats is not null)
                e.Stats = e.Stats with { Downloaded = m.Downloaded, Uploaded = m.Uploaded };
            else if (_peers.ContainsKey(Sender))
            {
                _closedDownloaded += m.Downloaded;
                _closedUploaded += m.Uploaded;
            }
            Forget(Sender, m.Failed, m.Banned);
        });
        Receive<Terminated>(m => Forget(m.ActorRef, failed: true, banned: false));
        Receive<Rechoke>(_ => RunChoker());
        Receive<OptimisticUnchoke>(_ => RunChoker());
        Receive<Redial>(_ => Dial());
        Receive<SetSeeding>(m => _seeding = m.Seeding);
        Receive<GetSummary>(_ => Sender.Tell(BuildSummary()));
        Receive<GetPeers>(_ =>
        {
            var list = new List<PeerStats>(_peers.Count);
            foreach (var e in _peers.Values)
                if (e.Stats is not null) list.Add(e.Stats);
            Sender.Tell(list);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SwarmContext ctx, PeerManagerSettings settings)
        => Akka.Actor.Props.Create(() => new PeerManager(ctx, settings));

    /// <summary>A peer that throws is stopped (and its claims released by the PieceManager's watch).</summary>
    protected override SupervisorStrategy SupervisorStrategy()
        => new OneForOneStrategy(e =>
        {
            Context.GetLogger().Warning("peer failed and is stopped: {0}", e.Message);
            return Directive.Stop;
        });

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("rechoke", Rechoke.Instance, _settings.RechokeInterval);
        Timers.StartPeriodicTimer("optimistic", OptimisticUnchoke.Instance, _settings.OptimisticInterval);
        Timers.StartPeriodicTimer("redial", Redial.Instance, _settings.RedialInterval);
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private void Dial()
    {
        var free = _settings.MaxConnections - _peers.Count;
        if (free <= 0) return;
        foreach (var ep in _book.Take(free, Now))
        {
            if (_byAddress.ContainsKey(ep)) continue;
            var actor = Context.ActorOf(PeerConnection.Outgoing(_ctx, ep), $"peer-{++_counter}");
            Track(actor, ep);
        }
    }

    private void OnIncoming(IncomingPeer m)
    {
        if (_peers.Count >= _settings.MaxConnections || _byAddress.ContainsKey(m.Remote) || !_book.MarkConnected(m.Remote))
        {
            m.Socket.Dispose();
            return;
        }
        var actor = Context.ActorOf(PeerConnection.Incoming(_ctx, m.Remote, m.Socket, m.Handshake, m.InitialBytes), $"peer-{++_counter}");
        Track(actor, m.Remote);
    }

    private void Track(IActorRef actor, IPEndPoint remote)
    {
        Context.Watch(actor);
        _peers[actor] = new PeerEntry(_counter, actor, remote);
        _byAddress[remote] = actor;
    }

    private void OnHandshaked(PeerHandshaked m)
    {
        if (!_peers.TryGetValue(Sender, out var entry)) return;
        // A second connection from the same peer id is closed.
        foreach (var other in _peers.Values)
        {
            if (other != entry && other.PeerId is not null && other.PeerId.Equals(m.PeerId))
            {
                Context.Stop(Sender);
                return;
            }
        }
        entry.PeerId = m.PeerId;
    }

    private void Forget(IActorRef actor, bool failed, bool banned)
    {
        if (!_peers.Remove(actor, out var entry)) return;
        _byAddress.Remove(entry.Remote);
        if (entry.Stats is not null)
        {
            _closedDownloaded += entry.Stats.Downloaded;
            _closedUploaded += entry.Stats.Uploaded;
        }
        if (banned) _book.Ban(entry.Remote);
        else _book.Disconnected(entry.Remote, failed, Now);
        Dial();
    }

    /// <summary>
    /// Applies the choker's decision. Runs on the 10 s rechoke timer and on the 30 s optimistic timer (the
    /// choker rotates its optimistic unchoke once its interval has passed, so the 30 s tick is the rotation).
    /// </summary>
    private void RunChoker()
    {
        var now = Now.UtcDateTime;
        var snapshot = new List<ChokerPeer>(_peers.Count);
        var byKey = new Dictionary<int, PeerEntry>(_peers.Count);
        foreach (var e in _peers.Values)
        {
            if (e.Stats is not { } s) continue;
            byKey[e.Key] = e;
            snapshot.Add(new ChokerPeer(e.Key, s.PeerInterested, e.Choked, s.DownloadRate, s.UploadRate,
                s.LastBlockAt == default ? null : s.LastBlockAt.UtcDateTime, s.ConnectedAt.UtcDateTime, s.Snubbed));
        }
        var decision = _choker.Rechoke(snapshot, _seeding, now, _random);
        foreach (var key in decision.Unchoke)
        {
            var e = byKey[key];
            e.Choked = false;
            e.Actor.Tell(new PeerConnection.SetChoke(false));
        }
        foreach (var key in decision.Choke)
        {
            var e = byKey[key];
            e.Choked = true;
            e.Actor.Tell(new PeerConnection.SetChoke(true));
        }
        Context.Parent.Tell(new Rechoked(decision.Unchoked.Count, decision.Optimistic is not null));
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
        return new Summary(_peers.Count, handshaked, _book.Count, down, up, downloaded, uploaded);
    }
}

/// <summary>PeerManager tunables.</summary>
public sealed record PeerManagerSettings
{
    public int MaxConnections { get; init; } = 50;
    public int UploadSlots { get; init; } = 4;
    public TimeSpan RechokeInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan OptimisticInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan RedialInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(15);
    public int Seed { get; init; } = Environment.TickCount;
}
