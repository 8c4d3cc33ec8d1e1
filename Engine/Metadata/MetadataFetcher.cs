using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Core.Metadata;
using Engine.Core.Metainfo;
using Engine.Core.Pieces;
using Engine.Dht;
using Engine.Events;
using Engine.Lsd;
using Engine.Peers;
using Engine.Resolving;
using Engine.Torrents;
using Engine.Trackers;

namespace Engine.Metadata;

/// <summary>
/// Gets a magnet link's metadata. Peers come from the link's <c>x.pe</c> and from its trackers (a
/// <see cref="TrackerClient"/> child announces for us and tells us <see cref="PeerManager.AddPeers"/>); up to
/// <see cref="MetadataSettings.ParallelPeers"/> <see cref="MetadataSession"/>s run at once off the actor thread,
/// and the first that returns metadata matching the info-hash wins. A failed peer is asked again after
/// <see cref="MetadataSettings.RetryInterval"/>. The winner's connection stays open and goes with <see cref="MetadataFetched"/> to the
/// torrent's PeerManager (<see cref="PeerManager.HandedOver"/>); the others are closed. Until then it stands in for the torrent: it answers the torrent
/// actor's queries (status in <see cref="TorrentState.FetchingMetadata"/>), pause/resume (paused: no peer is
/// asked) and stop, and keeps the subscribers. On success it tells its parent <see cref="MetadataFetched"/> with
/// everything the torrent actor needs, and waits to be stopped.
/// </summary>
internal sealed class MetadataFetcher : UntypedActor, IWithTimers
{
    /// <summary>To the parent: the metadata checked out; the torrent can start.</summary>
    /// <remarks><paramref name="Connection"/>: the open connection the metadata came over, for the torrent to go on with (null: none).</remarks>
    public sealed record MetadataFetched(TorrentMetainfo Torrent, byte[] TorrentFile, IReadOnlyList<IPEndPoint> Peers, IReadOnlyList<IActorRef> Subscribers, bool Paused,
        PeerManager.HandedOver? Connection = null);

    private sealed record SessionEnded(IPEndPoint Peer, MetadataSession.Fetched? Fetched, string? Error);
    private sealed record Resolved(IReadOnlyList<IPEndPoint> Peers);
    private sealed class Retry { public static readonly Retry Instance = new(); }

    private readonly MagnetLink _magnet;
    private readonly EngineContext _engine;
    private readonly MetadataSettings _settings;
    private readonly List<IActorRef> _subscribers = new();
    private readonly List<IPEndPoint> _known = new();
    private readonly Dictionary<IPEndPoint, DateTimeOffset> _retryAt = new();
    private readonly HashSet<IPEndPoint> _active = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _tracker = ActorRefs.Nobody;
    private TorrentState _state;
    private string? _error;
    private int _generation;

    public MetadataFetcher(MagnetLink magnet, EngineContext engine, MetadataSettings settings, bool paused)
    {
        _magnet = magnet;
        _engine = engine;
        _settings = settings;
        _state = paused ? TorrentState.Paused : TorrentState.FetchingMetadata;
        foreach (var p in magnet.Peers)
            if (p is IPEndPoint ip) _known.Add(ip);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PeerManager.AddPeers m: AddPeers(m.Peers); break;
            case Resolved m: AddPeers(m.Peers); break;
            case DhtNode.PeersFromDht m: AddPeers(m.Peers); break;
            case LocalDiscovery.PeersFromLsd m: AddPeers(m.Peers); break;
            case SessionEnded m: OnSessionEnded(m); break;
            case Retry: Dial(); break;
            case TorrentActor.GetStatus: Sender.Tell(Status()); break;
            case TorrentActor.GetPeers: Sender.Tell(new List<PeerManager.PeerStats>()); break;
            case TorrentActor.GetPieceMap: Sender.Tell(new TorrentActor.PieceMapReply(new Bitfield(0))); break;
            case TorrentActor.GetTrackers:
                if (_tracker.IsNobody()) Sender.Tell(new List<TrackerClient.TrackerState>());
                else _tracker.Forward(new TrackerClient.GetTrackers());
                break;
            case TorrentActor.Pause:
                if (_state == TorrentState.FetchingMetadata)
                {
                    StopSearching();
                    SetState(TorrentState.Paused);
                }
                Sender.Tell(new TorrentActor.CommandDone(_state));
                break;
            case TorrentActor.Resume:
                if (_state == TorrentState.Paused)
                {
                    SetState(TorrentState.FetchingMetadata);
                    StartSearching();
                }
                Sender.Tell(new TorrentActor.CommandDone(_state));
                break;
            case TorrentActor.StopTorrent:
                SetState(TorrentState.Stopped);
                Sender.Tell(new TorrentActor.TorrentStopped(_magnet.InfoHash));
                Context.Stop(Self);
                break;
            case TorrentActor.Subscribe m:
                _subscribers.Add(m.Subscriber);
                m.Subscriber.Tell(new StateChanged(_magnet.InfoHash, Now, _state));
                if (_error is not null) m.Subscriber.Tell(new Failed(_magnet.InfoHash, Now, _error));
                break;
            case TorrentActor.Unsubscribe m:
                // The handler's answer was Remove's: a subscriber not in the list leaves the message unhandled (no later
                // case takes an Unsubscribe).
                if (!_subscribers.Remove(m.Subscriber)) Unhandled(message);
                break;
            case TorrentActor.SetLimits: break;
            case PeerManager.IncomingPeer m: m.Transport.Dispose(); break; // we only dial out while fetching
            default: Unhandled(message); break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(MagnetLink magnet, EngineContext engine, MetadataSettings settings, bool paused)
        => ActorProps.Of(() => new MetadataFetcher(magnet, engine, settings, paused));

    /// <summary>A tracker child that throws is stopped; fetching goes on with the peers known.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        ResolveHostNames();
        if (_state == TorrentState.FetchingMetadata) StartSearching();
    }

    protected override void PostStop() => _cts.Cancel();

    private void StartSearching()
    {
        Timers.StartPeriodicTimer("retry", Retry.Instance, TimeSpan.FromTicks(Math.Max(_settings.RetryInterval.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks)));
        if (_magnet.Trackers.Count > 0)
        {
            var tiers = _magnet.Trackers.Select(t => (IReadOnlyList<string>)new[] { t }).ToList();
            // 'left' is unknown: any positive figure marks us as a leecher, so trackers return seeds.
            _tracker = Context.ActorOf(TrackerClient.Props(_magnet.InfoHash, tiers, _engine.OurId, _engine.ListenPort, Self,
                _engine.Http, _engine.TrackerSettings, left: 1, _engine.PublicPort), "tracker-" + ++_generation);
        }
        // Most magnet links carry no working tracker: the DHT finds the peers (it announces us too, as any client does).
        _engine.Dht.Tell(new DhtNode.Track(_magnet.InfoHash, _engine.ListenPort, Self));
        _engine.Lsd.Tell(new LocalDiscovery.Track(_magnet.InfoHash, _engine.ListenPort, Self));
        Dial();
    }

    private void StopSearching()
    {
        Timers.Cancel("retry");
        _engine.Dht.Tell(new DhtNode.Untrack(_magnet.InfoHash, Self));
        _engine.Lsd.Tell(new LocalDiscovery.Untrack(_magnet.InfoHash, Self));
        if (!_tracker.IsNobody()) Context.Stop(_tracker);
        _tracker = ActorRefs.Nobody;
    }

    private void ResolveHostNames()
    {
        var names = _magnet.Peers.OfType<DnsEndPoint>().ToList();
        if (names.Count == 0) return;
        Task.Run(async () =>
        {
            var found = new List<IPEndPoint>();
            foreach (var n in names)
            {
                try
                {
                    foreach (var address in await HostLookup.Shared.ResolveAsync(n.Host, TimeSpan.FromSeconds(30)).ConfigureAwait(false))
                        found.Add(new IPEndPoint(address, n.Port));
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or ArgumentException or TimeoutException) { }
            }
            return new Resolved(found);
        }).PipeTo(Self);
    }

    private void AddPeers(IReadOnlyList<IPEndPoint> peers)
    {
        foreach (var p in peers)
            if (!_known.Contains(p)) _known.Add(p);
        Dial();
    }

    private void Dial()
    {
        if (_state != TorrentState.FetchingMetadata) return;
        var now = Context.System.Scheduler.Now;
        foreach (var peer in _known)
        {
            if (_active.Count >= _settings.ParallelPeers) return;
            if (_active.Contains(peer) || _retryAt.TryGetValue(peer, out var at) && at > now) continue;
            _active.Add(peer);
            var (hash, id, port, settings, token) = (_magnet.InfoHash, _engine.OurId, _engine.ListenPort, _settings, _cts.Token);
            MetadataSession.FetchAsync(Transports.MseDialer.For(_engine.Encryption, hash, _engine.BaseDialer), peer, MetadataHashes.Of(_magnet), id, port, Reserved, settings, token).PipeTo(Self,
                success: fetched => new SessionEnded(peer, fetched, null),
                failure: e => new SessionEnded(peer, null, Describe(e.GetBaseException())));
        }
    }

    /// <summary>
    /// The reserved bits our torrent's connections will send (<see cref="Engine.Core.Peers.PeerSessionContext.ReservedBits"/>),
    /// so that the winning connection can be handed over: a private torrent (no DHT port) or one with a v2 part the
    /// magnet did not show is dialled again instead.
    /// </summary>
    private ulong Reserved => Engine.Core.Peers.PeerSessionContext.ReservedBits(_engine.Dht.IsNobody() ? 0 : _engine.ListenPort, !_magnet.InfoHashV2.IsEmpty);

    private static string Describe(Exception e) => e is OperationCanceledException ? "timed out" : e.Message;

    private void OnSessionEnded(SessionEnded m)
    {
        _active.Remove(m.Peer);
        if (_state != TorrentState.FetchingMetadata)
        {
            m.Fetched?.Connection?.Transport.Dispose(); // another session won, or the fetch is paused
            return;
        }
        if (m.Fetched is not { } fetched)
        {
            _log.Debug("metadata from {0} failed: {1}", m.Peer, m.Error);
            _retryAt[m.Peer] = Context.System.Scheduler.Now + _settings.RetryInterval;
            Dial();
            return;
        }
        byte[] file;
        TorrentMetainfo torrent;
        try
        {
            file = MetadataTorrentFile.Build(fetched.Info, _magnet);
            torrent = TorrentMetainfo.Parse(file);
        }
        catch (MetainfoException e)
        {
            // The bytes are the real info dictionary (the hash matched): the torrent itself is unusable.
            fetched.Connection?.Transport.Dispose();
            _error = "the torrent's metadata cannot be used: " + e.Message;
            StopSearching();
            SetState(TorrentState.Error);
            foreach (var s in _subscribers) s.Tell(new Failed(_magnet.InfoHash, Now, _error));
            return;
        }
        StopSearching();
        _cts.Cancel();
        _state = TorrentState.Checking; // handed over: the torrent actor reports from here on
        Context.Parent.Tell(new MetadataFetched(torrent, file, _known.ToList(), _subscribers.ToList(), Paused: false, fetched.Connection));
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private void SetState(TorrentState state)
    {
        if (_state == state) return;
        _state = state;
        foreach (var s in _subscribers) s.Tell(new StateChanged(_magnet.InfoHash, Now, state));
    }

    /// <summary>
    /// Until the torrent actor replaces us the status still says <see cref="TorrentState.FetchingMetadata"/>, also
    /// once handed over: "checking" with no pieces to count would tell a caller the metadata is there when the
    /// torrent that holds it does not answer yet.
    /// </summary>
    private TorrentStatus Status() => new(
        _magnet.InfoHash, _magnet.DisplayName ?? _magnet.InfoHash.ToHex(), _state == TorrentState.Checking ? TorrentState.FetchingMetadata : _state, 0, 0, 0, 0, 0, 0, 0, 0,
        _active.Count, _known.Count, 0, false, 0, _error);
}
