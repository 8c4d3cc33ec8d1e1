using System.Net;
using Akka.Actor;
using Engine.Actors;
using Engine.Core.Metainfo;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Supervision;
using Engine.Dht;
using Engine.Events;
using Engine.Limits;
using Engine.Mailboxes;
using Engine.Peers;
using Engine.Pieces;
using Engine.Storage;
using Engine.Supervision;
using Engine.Trackers;

namespace Engine.Torrents;

/// <summary>
/// One torrent. Starts its storage and waits for the resume check (or hash check) of existing data, then starts the
/// PieceManager, the PeerManager (a complete torrent's on its first need) and the tracker client (if it names a tracker). It caches progress and peer figures pushed by its children
/// so a status query never waits on anyone. Its life is a set of behaviours it switches between:
/// checking → downloading → seeding, paused, failed, stopping (TorrentActor.Checking.cs, .Active.cs, .Ending.cs);
/// what each child's failure does is in TorrentActor.Children.cs. Each behaviour is a method that takes a message and
/// says whether it handled it, falling back to the handlers it shares with others. Stopping is bounded: peers go first, storage writes
/// the fast-resume state, the tracker gets <c>stopped</c>, and after <see cref="StopBudget"/> the torrent reports
/// stopped whatever is still pending.
/// </summary>
internal sealed partial class TorrentActor : UntypedActor, IWithTimers, IWithUnboundedStash
{
    public sealed record GetStatus;
    /// <summary>Stop the torrent; replies <see cref="TorrentStopped"/>.</summary>
    public sealed record StopTorrent;
    public sealed record TorrentStopped(InfoHash InfoHash);
    /// <summary>The torrent's events (<see cref="TorrentEvent"/>s) go to the subscriber, starting with its current state.</summary>
    public sealed record Subscribe(IActorRef Subscriber);
    /// <summary>Replies the PeerManager's peer list.</summary>
    public sealed record GetPeers;
    /// <summary>Changes this torrent's own upload/download limits (the engine's apply as well).</summary>
    public sealed record SetLimits(RateLimits Limits);

    public static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(1.5);

    /// <summary>How often an active torrent polls its PeerManager's summary (and a dormant one not at all, see <see cref="RefreshPacer"/>).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private sealed class RefreshTick { public static readonly RefreshTick Instance = new(); }

    private readonly TorrentMetainfo _torrent;
    private readonly EngineContext _engine;
    private readonly BandwidthBuckets _bandwidth;
    private readonly IActorRef _storage;
    private readonly DiskQueue _disk = new(); // the storage's disk queue, which the piece manager writes received blocks into
    private readonly BlockSource _blocks; // the peers' write loops read their uploads here
    private readonly ChildFailures _failures = new();
    private readonly RestartBackoff _trackerBackoff = new(), _peersBackoff = new();
    private readonly RememberedPeers _addresses = new();
    private readonly List<IActorRef> _subscribers = new();
    private readonly Dictionary<IPEndPoint, PeerId> _connected = new();
    private readonly RefreshPacer _pacer = new();
    // The current behaviour: its own messages, then those it shares (Active → Running → Common), false for the rest.
    // A switch over the message, not ReceiveActor's handlers: those are a delegate per message type per torrent,
    // ~3 KB of each idle torrent (docs/decisions.md, "Idle torrents").
    private Func<object, bool> _behaviour;
    private IActorRef _pieces = ActorRefs.Nobody;
    private IActorRef _peers = ActorRefs.Nobody;   // Nobody while paused, while a failed one waits to be started again, and while _peersOnDemand
    private bool _peersOnDemand;                   // a complete torrent's swarm runs without a PeerManager until it needs one
    private IActorRef _tracker = ActorRefs.Nobody; // likewise, and always for a torrent that names no tracker
    private Bitfield _have;
    private PieceManager.Progress _progress = new(0, 0, false, false, 0, 0);
    private PeerManager.Summary _summary = new(0, 0, 0, 0, 0, 0, 0);
    private long _earlierDownloaded, _earlierUploaded; // the totals of PeerManagers gone before this one
    private double _checkProgress;
    private StartupReport? _startup;
    private string? _error;
    private (long Uploaded, long Downloaded, long Left) _sentTotals = (-1, -1, -1);
    private readonly IActorRef? _firstSubscriber;
    private readonly bool _nothingOnDisk, _startPaused;

    public TorrentActor(TorrentMetainfo torrent, string saveDirectory, string resumePath, EngineContext engine, RateLimits limits = default, bool startPaused = false,
        FileLevels? files = null, bool sequential = false, bool webSeeds = true, IActorRef? subscriber = null, bool nothingOnDisk = false)
    {
        _torrent = torrent;
        _firstSubscriber = subscriber;
        _nothingOnDisk = nothingOnDisk;
        _startPaused = startPaused;
        _useWebSeeds = webSeeds;
        _have = new Bitfield(torrent.PieceCount);
        InitFiles(files, sequential);
        var routes = new FileRoutes(torrent.Files.Count, TorrentStorage.PartsPathFor(torrent, saveDirectory));
        _engine = engine;
        _bandwidth = new BandwidthBuckets(limits, engine.Bandwidth.Clock);
        var ownWrites = new OwnWrites(torrent.Files.Count); // the disk worker's writes, which uploads must not take for a change
        _storage = Context.ActorOf(StorageActor.Props(torrent, saveDirectory, resumePath, ownWrites: ownWrites, routes: routes, queue: _disk).WithMailbox(LeanMailbox.Id), "storage");
        Context.Watch(_storage);
        _blocks = new BlockSource(torrent, saveDirectory, engine.Pool, ownWrites, routes);
        _behaviour = m => Checking(m, pauseWhenChecked: startPaused);
    }

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    /// <param name="subscriber">Gets the torrent's events from its very start (as <see cref="Subscribe"/> would).</param>
    /// <param name="nothingOnDisk">The adder found no resume record and none of the torrent's files (<see cref="StartProbe"/>): the check's answer is known.</param>
    public static Props Props(TorrentMetainfo torrent, string saveDirectory, string resumePath, EngineContext engine, RateLimits limits = default, bool startPaused = false,
        FileLevels? files = null, bool sequential = false, bool webSeeds = true, IActorRef? subscriber = null, bool nothingOnDisk = false)
        => ActorProps.Of(() => new TorrentActor(torrent, saveDirectory, resumePath, engine, limits, startPaused, files, sequential, webSeeds, subscriber, nothingOnDisk))
            .WithMailbox(LeanMailbox.DequeId); // idle torrents by the thousand: no preallocated queue segment (LeanMailbox)

    protected override void PreStart()
    {
        if (_firstSubscriber is not null) AddSubscriber(_firstSubscriber, TorrentState.Checking);
        if (Array.IndexOf(_fileLevels, PiecePriorities.Skip) >= 0) StorageActor.QueueReroute(_disk, Skipped()); // before the check reads
        _storage.Tell(new StorageActor.CheckExisting());
        Timers.StartPeriodicTimer("refresh", RefreshTick.Instance, RefreshInterval);
        // Nothing on disk: the check will find nothing, so the swarm starts now rather than after the storage worker's
        // answer (~20 ms of start-up; docs/performance.md). The storage still runs its check first in its queue (it
        // creates the zero-length files); its answer then comes as late news and is dropped.
        if (_nothingOnDisk) OnChecked(new StorageActor.CheckCompleted(new Bitfield(_torrent.PieceCount), StartupSource.NoData), _startPaused);
    }

    protected override void PostStop() => _blocks.Dispose();

    protected override void OnReceive(object message)
    {
        if (!_behaviour(message)) Unhandled(message);
    }

    /// <summary>
    /// What every behaviour answers alike, tried after the behaviour's own handlers (the first match wins): queries,
    /// subscriptions, limits, the figures the children push, and the defaults for a torrent with no swarm running
    /// (addresses and incoming connections are not taken, Pause and Resume change nothing). False: not handled.
    /// </summary>
    private bool Common(object message, TorrentState state)
    {
        switch (message)
        {
            case GetStatus:
                Sender.Tell(Status(state));
                // A dormant torrent's figures are as of its last summary: fetch fresh ones for the next query.
                if (_pacer.Dormant && !_peers.IsNobody()) _peers.Tell(new PeerManager.GetSummary());
                return true;
            case Subscribe m:
                AddSubscriber(m.Subscriber, state);
                return true;
            case Unsubscribe m:
                _subscribers.Remove(m.Subscriber);
                return true;
            case GetPieceMap:
                Sender.Tell(new PieceMapReply(_have.Clone()));
                return true;
            case GetMetainfo:
                Sender.Tell(_torrent);
                return true;
            case GetTrackers:
                if (_tracker.IsNobody()) Sender.Tell(new List<TrackerClient.TrackerState>());
                else _tracker.Forward(new TrackerClient.GetTrackers());
                return true;
            case GetPeers:
                if (_peers.IsNobody()) Sender.Tell(new List<PeerManager.PeerStats>());
                else _peers.Forward(new PeerManager.GetPeers());
                return true;
            case SetLimits m:
                _bandwidth.Set(m.Limits);
                return true;
            case PieceManager.Progress m:
                _progress = m;
                return true;
            case PieceVerified m:
                RecordPiece(m);
                return true;
            case DataLost m:
                ForgetPieces(m);
                return true;
            case PeerManager.Summary m:
                if (Sender.Equals(_peers)) OnSummary(m); // not a late one from a PeerManager stopped since
                return true;
            case PeerManager.PeerUp m:
                if (!Sender.Equals(_peers) || !_connected.TryAdd(m.Remote, m.PeerId)) return true;
                WakeRefresh(now: true);
                Publish(new PeerConnected(_torrent.InfoHash, Now, m.Remote, ClientNames.Describe(m.PeerId), m.Outgoing ? PeerDirection.Outgoing : PeerDirection.Incoming) { Source = m.Source });
                return true;
            case PeerManager.PeerDown m:
                if (!_connected.Remove(m.Remote)) return true;
                if (!_pacer.Dormant) Refresh();
                Publish(new PeerDropped(_torrent.InfoHash, Now, m.Remote, m.Reason));
                return true;
            case PeerManager.IncomingPeer m:
                m.Transport.Dispose();
                return true;
            case PeerManager.HandedOver m:
                m.Transport.Dispose();
                return true;
            case Pause or Resume:
                Sender.Tell(new CommandDone(state));
                return true;
            case Terminated m:
                Forget(m.ActorRef);
                return true;
            case PieceManager.DownloadCompleted: // the last PieceVerified has told us already
            case PeerManager.Rechoked or PeerManager.AddPeers or DhtNode.PeersFromDht or Lsd.LocalDiscovery.PeersFromLsd or RefreshTick:
            case PieceManager.BanAddress: // no swarm running: its peers are gone already
            // Late news of a phase that is over (a stop during the check, a storage failure after the torrent failed).
            case StorageActor.CheckProgress or StorageActor.CheckCompleted or StorageActor.StorageFailed:
                return true;
            default:
                return FileHandlers(message, state);
        }
    }

    /// <summary>A new subscriber learns the current state, and whether the download is complete.</summary>
    private void AddSubscriber(IActorRef subscriber, TorrentState state)
    {
        _subscribers.Add(subscriber);
        subscriber.Tell(new StateChanged(_torrent.InfoHash, Now, state));
        if (IsDone()) subscriber.Tell(new Completed(_torrent.InfoHash, Now));
    }

    /// <summary>Switches to <paramref name="behaviour"/>, the behaviour of <paramref name="state"/>, and tells the subscribers.</summary>
    private void Enter(TorrentState state, Func<object, bool> behaviour)
    {
        _behaviour = behaviour;
        Publish(new StateChanged(_torrent.InfoHash, Now, state));
    }

    private void Publish(TorrentEvent message)
    {
        foreach (var s in _subscribers) s.Tell(message);
    }

    /// <summary>Records a verified piece and tells the subscribers; true when it was the last one missing.</summary>
    private bool RecordPiece(PieceVerified verified)
    {
        var wasComplete = IsDone();
        if (!_have[verified.Piece]) _verifiedBytes += _torrent.Layout.PieceSize(verified.Piece);
        _have[verified.Piece] = true;
        Publish(verified);
        if (IsDone() || Now - _progressToldAt >= ProgressEvery) PublishProgress();
        return !wasComplete && IsDone();
    }

    /// <summary>Verified pieces are gone from the disk (they are checked again; those that pass come back as PieceVerified).</summary>
    private void ForgetPieces(DataLost lost)
    {
        for (var piece = Math.Max(0, lost.FirstPiece); piece <= lost.LastPiece && piece < _have.Count; piece++)
        {
            if (!_have[piece]) continue;
            _have[piece] = false;
            _verifiedBytes -= _torrent.Layout.PieceSize(piece);
        }
        Publish(lost);
        PublishProgress();
    }

    /// <summary>The <see cref="Progress"/> event: at most once a second while pieces are verified, and at 100 %.</summary>
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);
    private DateTimeOffset _progressToldAt = DateTimeOffset.MinValue;
    private long _verifiedBytes;

    private void PublishProgress()
    {
        _progressToldAt = Now;
        var total = _torrent.TotalLength;
        Publish(new Progress(_torrent.InfoHash, Now, total == 0 ? 1 : (double)_verifiedBytes / total, _verifiedBytes, total, _have.SetCount, _torrent.PieceCount));
    }

    private TorrentStatus Status(TorrentState state) => new(
        _torrent.InfoHash, _torrent.Name, state, _torrent.PieceCount, _progress.VerifiedPieces, _torrent.TotalLength,
        _progress.VerifiedBytes, _summary.DownloadRate, _summary.UploadRate, Math.Max(_summary.Downloaded + _earlierDownloaded, _progress.ReceivedBytes), _summary.Uploaded + _earlierUploaded,
        _summary.Handshaked, _summary.Known, _progress.HashFailures, _progress.InEndgame, _checkProgress, _error, _startup) { Complete = IsDone() };
}
