using Akka.Actor;
using Akka.Event;
using Engine.Core.Metainfo;
using Engine.Core.Peers;
using Engine.Hosting;
using Engine.Limits;
using Engine.Peers;
using Engine.Pieces;
using Engine.Storage;
using Engine.Trackers;

namespace Engine.Torrents;

/// <summary>
/// One torrent. Starts its storage and waits for the resume check (or hash check) of existing data,
/// then starts the PieceManager, the PeerManager and the tracker client. It caches progress and peer
/// figures pushed by its children so a status query never waits on anyone. Stopping is bounded:
/// peers go first, storage writes the fast-resume state, the tracker gets <c>stopped</c>, and after
/// <see cref="StopBudget"/> the torrent reports stopped whatever is still pending.
/// </summary>
public sealed partial class TorrentActor : ReceiveActor, IWithTimers
{
    public sealed record GetStatus;
    /// <summary>Stop the torrent; replies <see cref="TorrentStopped"/>.</summary>
    public sealed record StopTorrent;
    public sealed record TorrentStopped(Engine.Core.Primitives.InfoHash InfoHash);
    /// <summary>Events (<see cref="TorrentCompleted"/>, <see cref="TorrentFailed"/>) go to the subscriber.</summary>
    public sealed record Subscribe(IActorRef Subscriber);
    public sealed record TorrentCompleted(Engine.Core.Primitives.InfoHash InfoHash);
    public sealed record TorrentFailed(Engine.Core.Primitives.InfoHash InfoHash, string Reason);
    /// <summary>Replies the PeerManager's peer list.</summary>
    public sealed record GetPeers;
    /// <summary>Changes this torrent's own upload/download limits (the engine's apply as well).</summary>
    public sealed record SetLimits(RateLimits Limits);

    public static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(1.5);

    private sealed class RefreshTick { public static readonly RefreshTick Instance = new(); }
    private sealed class StopDeadline { public static readonly StopDeadline Instance = new(); }

    private readonly TorrentMetainfo _torrent;
    private readonly EngineContext _engine;
    private readonly BandwidthBuckets _bandwidth;
    private readonly IActorRef _storage;
    private readonly BlockSource _blocks; // the peers' write loops read their uploads here
    private IActorRef _pieces = ActorRefs.Nobody;
    private IActorRef _peers = ActorRefs.Nobody;
    private IActorRef _tracker = ActorRefs.Nobody;
    private readonly List<IActorRef> _subscribers = new();
    private readonly List<IActorRef> _stopWaiters = new();
    private readonly List<PeerManager.AddPeers> _pendingPeers = new();
    private TorrentState _state = TorrentState.Checking;
    private PieceManager.Progress _progress = new(0, 0, false, false, 0, 0);
    private PeerManager.Summary _summary = new(0, 0, 0, 0, 0, 0, 0);
    private double _checkProgress;
    private StartupCheck? _startup;
    private string? _error;
    private bool _storageClosed, _trackerStopped;
    private readonly RefreshPacer _pacer = new();
    private (long Uploaded, long Downloaded, long Left) _sentTotals = (-1, -1, -1);

    public TorrentActor(TorrentMetainfo torrent, string saveDirectory, string resumePath, EngineContext engine, RateLimits limits = default, bool startPaused = false)
    {
        _torrent = torrent;
        _paused = startPaused;
        _have = new Engine.Core.Pieces.Bitfield(torrent.PieceCount);
        _engine = engine;
        _bandwidth = new BandwidthBuckets(limits, engine.Bandwidth.Clock);
        _storage = Context.ActorOf(StorageActor.Props(torrent, saveDirectory, resumePath), "storage");
        _blocks = new BlockSource(torrent, saveDirectory, engine.Pool);

        Receive<StorageActor.CheckProgress>(m => _checkProgress = (double)m.Checked / Math.Max(1, m.Total));
        Receive<StorageActor.CheckCompleted>(OnChecked);
        Receive<PieceManager.Progress>(m => _progress = m);
        Receive<PieceManager.DownloadCompleted>(_ => OnCompleted());
        Receive<PeerManager.Summary>(OnSummary);
        ControlReceives();
        Receive<PeerManager.Rechoked>(_ => { });
        Receive<PeerManager.AddPeers>(m =>
        {
            if (_peers.IsNobody()) _pendingPeers.Add(m);
            else _peers.Forward(m);
            WakeRefresh();
        });
        Receive<PeerManager.IncomingPeer>(m =>
        {
            if (_peers.IsNobody() || _state is TorrentState.Stopping or TorrentState.Error) m.Transport.Dispose();
            else _peers.Forward(m);
        });
        Receive<GetPeers>(_ =>
        {
            if (_peers.IsNobody()) Sender.Tell(new List<PeerManager.PeerStats>());
            else _peers.Forward(new PeerManager.GetPeers());
        });
        Receive<RefreshTick>(_ => Refresh());
        Receive<SetLimits>(m => _bandwidth.Set(m.Limits));
        Receive<StorageActor.StorageFailed>(m => Fail("storage: " + m.Reason));
        Receive<GetStatus>(_ =>
        {
            Sender.Tell(Status());
            // A dormant torrent's figures are as of its last summary: fetch fresh ones for the next query.
            if (_pacer.Dormant && !_peers.IsNobody()) _peers.Tell(new PeerManager.GetSummary());
        });
        Receive<Subscribe>(m =>
        {
            _subscribers.Add(m.Subscriber);
            m.Subscriber.Tell(new StateChanged(_torrent.InfoHash, _state));
            if (_complete) m.Subscriber.Tell(new TorrentCompleted(_torrent.InfoHash));
            if (_state == TorrentState.Error) m.Subscriber.Tell(new TorrentFailed(_torrent.InfoHash, _error!));
        });
        Receive<StopTorrent>(_ => BeginStop());
        Receive<PieceManager.HaveSnapshot>(m => _storage.Tell(new StorageActor.Close(m.Have.ToWire())));
        Receive<StorageActor.Closed>(_ =>
        {
            _storageClosed = true;
            MaybeFinishStop();
        });
        Receive<TrackerClient.Stopped>(_ =>
        {
            _trackerStopped = true;
            MaybeFinishStop();
        });
        Receive<StopDeadline>(_ => FinishStop());
        Receive<Terminated>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TorrentMetainfo torrent, string saveDirectory, string resumePath, EngineContext engine, RateLimits limits = default, bool startPaused = false)
        => Akka.Actor.Props.Create(() => new TorrentActor(torrent, saveDirectory, resumePath, engine, limits, startPaused));

    /// <summary>A child that throws is stopped; a dead storage or piece manager puts the torrent in error.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        Self.Tell(new StorageActor.StorageFailed(e.GetBaseException().Message));
        return Directive.Stop;
    });

    protected override void PreStart()
    {
        _storage.Tell(new StorageActor.CheckExisting());
        Timers.StartPeriodicTimer("refresh", RefreshTick.Instance, RefreshInterval);
    }

    protected override void PostStop() => _blocks.Dispose();

    /// <summary>How often an active torrent polls its PeerManager's summary (and a dormant one not at all, see <see cref="RefreshPacer"/>).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private void OnChecked(StorageActor.CheckCompleted m)
    {
        if (_state != TorrentState.Checking) return;
        _checkProgress = 1;
        _startup = new StartupCheck(m.Verified.SetCount, m.Source);
        _have = m.Verified.Clone();
        long verifiedBytes = 0;
        for (var i = _have.NextSet(0); i >= 0; i = _have.NextSet(i + 1)) verifiedBytes += _torrent.Layout.PieceSize(i);
        _progress = new PieceManager.Progress(_have.SetCount, verifiedBytes, _have.AllSet, false, 0, 0); // until the PieceManager reports
        _pieces = Context.ActorOf(PieceManager.Props(_torrent.Layout, m.Verified, _storage, Environment.TickCount, _engine.ResumeSaveInterval), "pieces");
        if (_paused)
        {
            _complete = m.Verified.AllSet;
            SetState(TorrentState.Paused);
            if (_complete) Publish(new TorrentCompleted(_torrent.InfoHash));
            return;
        }
        StartSwarm();
        if (m.Verified.AllSet) OnCompleted();
        else SetState(TorrentState.Downloading);
    }

    /// <summary>Starts the PeerManager and the tracker client (at start-up, and again on resume).</summary>
    private void StartSwarm()
    {
        _trackerStopped = false;
        _sentTotals = (-1, -1, -1); // a new tracker client: tell it the totals at the next refresh
        var layout = _torrent.Layout;
        var swarm = new Peers.SwarmContext(_torrent.InfoHash, _engine.OurId, layout, _pieces, _storage, _engine.Pool, _engine.PeerSettings, _engine.ListenPort)
        {
            Upload = _bandwidth.UploadThrottle(_engine.Bandwidth),
            Download = _bandwidth.DownloadThrottle(_engine.Bandwidth),
            Connections = _engine.Connections,
            DiskBudget = _engine.DiskBudget,
            Metadata = _torrent.RawInfo,
            Blocks = _blocks,
        };
        _generation++;
        var suffix = _generation == 1 ? "" : "-" + _generation;
        _peers = Context.ActorOf(PeerManager.Props(swarm, _engine.PeerManagerSettings), "peers" + suffix);
        long left = _torrent.TotalLength;
        for (var i = _have.NextSet(0); i >= 0; i = _have.NextSet(i + 1)) left -= layout.PieceSize(i);
        _tracker = Context.ActorOf(TrackerClient.Props(_torrent.InfoHash, _torrent.AnnounceTiers, _engine.OurId, _engine.ListenPort, _peers, _engine.Http, _engine.TrackerSettings, left), "tracker" + suffix);
        foreach (var p in _pendingPeers) _peers.Tell(p);
        _pendingPeers.Clear();
        if (_complete) _peers.Tell(new PeerManager.SetSeeding(true));
        WakeRefresh();
    }

    private void OnCompleted()
    {
        if (_complete || _state is TorrentState.Stopping or TorrentState.Stopped) return;
        _complete = true;
        if (!_paused) SetState(TorrentState.Seeding);
        _peers.Tell(new PeerManager.SetSeeding(true));
        _tracker.Tell(new TrackerClient.Completed());
        Publish(new TorrentCompleted(_torrent.InfoHash));
    }

    private void Refresh()
    {
        if (_peers.IsNobody()) return;
        _peers.Tell(new PeerManager.GetSummary());
        var totals = (_summary.Uploaded + _earlierUploaded, _summary.Downloaded + _earlierDownloaded, _torrent.TotalLength - _progress.VerifiedBytes);
        if (totals == _sentTotals) return;
        _sentTotals = totals;
        _tracker.Tell(new TrackerClient.UpdateTotals(totals.Item1, totals.Item2, totals.Item3));
    }

    private void OnSummary(PeerManager.Summary m)
    {
        _summary = m;
        switch (_pacer.OnSummary(m.Connected + m.Handshaked, m.DownloadRate, m.UploadRate))
        {
            case RefreshPacer.Change.Sleep:
                Timers.Cancel("refresh");
                break;
            case RefreshPacer.Change.Wake:
                Timers.StartPeriodicTimer("refresh", RefreshTick.Instance, RefreshInterval);
                break;
        }
    }

    /// <summary>Peers or addresses arrived, or the swarm (re)started: poll every second again, starting now.</summary>
    private void WakeRefresh()
    {
        if (!_pacer.Wake()) return;
        Timers.StartPeriodicTimer("refresh", RefreshTick.Instance, RefreshInterval);
        Refresh();
    }

    private void Fail(string reason)
    {
        if (_state is TorrentState.Error or TorrentState.Stopping or TorrentState.Stopped) return;
        _error = reason;
        SetState(TorrentState.Error);
        Context.GetLogger().Error("torrent {0} failed: {1}", _torrent.Name, reason);
        StopSwarm("torrent failed: " + reason, stopTracker: false);
        Publish(new TorrentFailed(_torrent.InfoHash, reason));
    }

    private void BeginStop()
    {
        _stopWaiters.Add(Sender);
        if (_state == TorrentState.Stopping) return;
        var wasError = _state == TorrentState.Error;
        SetState(TorrentState.Stopping);
        Timers.StartSingleTimer("stop-deadline", StopDeadline.Instance, StopBudget);
        DropAllPeers("torrent stopped");
        if (!_peers.IsNobody()) Context.Stop(_peers);
        _blocks.CloseHandles();
        if (_tracker.IsNobody()) _trackerStopped = true;
        else _tracker.Tell(new TrackerClient.Stop());
        if (_pieces.IsNobody() || wasError) _storage.Tell(new StorageActor.Close(null));
        else _pieces.Tell(new PieceManager.GetHave());
    }

    private void MaybeFinishStop()
    {
        if (_state == TorrentState.Stopping && _storageClosed && _trackerStopped) FinishStop();
    }

    private void FinishStop()
    {
        if (_state == TorrentState.Stopped) return;
        SetState(TorrentState.Stopped);
        foreach (var w in _stopWaiters) w.Tell(new TorrentStopped(_torrent.InfoHash));
        Publish(new TorrentStopped(_torrent.InfoHash));
        Context.Stop(Self);
    }

    private TorrentStatus Status() => new(
        _torrent.InfoHash, _torrent.Name, _state, _torrent.PieceCount, _progress.VerifiedPieces, _torrent.TotalLength,
        _progress.VerifiedBytes, _summary.DownloadRate, _summary.UploadRate, Math.Max(_summary.Downloaded + _earlierDownloaded, _progress.ReceivedBytes), _summary.Uploaded + _earlierUploaded,
        _summary.Handshaked, _summary.Known, _progress.HashFailures, _progress.InEndgame, _checkProgress, _error, _startup);
}
