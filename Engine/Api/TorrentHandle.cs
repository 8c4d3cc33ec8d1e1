using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using Engine.Core.Metainfo;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Events;
using Engine.Limits;
using Engine.Mailboxes;
using Engine.Peers;
using Engine.Runtime;
using Engine.Torrents;
using Engine.Trackers;

namespace Engine.Api;

/// <summary>
/// One torrent of a <see cref="TorrentEngine"/>. Every method is safe to call from any thread. After
/// <see cref="RemoveAsync"/> every method but <see cref="RemoveAsync"/> throws <see cref="TorrentRemovedException"/>.
/// </summary>
public sealed class TorrentHandle
{
    private readonly TorrentEngine _engine;
    private readonly EventHub _hub = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly MagnetLink? _magnet;
    private volatile TorrentMetainfo? _metainfo;
    private volatile bool _stopped = true, _removed, _paused;
    private IActorRef _relay = ActorRefs.Nobody;
    private TorrentStatus? _lastStatus;
    private Bitfield? _lastHave;
    private bool _othersSkipped; // a magnet's so=: files it does not select are skipped

    internal TorrentHandle(TorrentEngine engine, InfoHash infoHash, string saveDirectory, TorrentOptions options, TorrentMetainfo? metainfo, MagnetLink? magnet)
    {
        _engine = engine;
        InfoHash = infoHash;
        SaveDirectory = saveDirectory;
        Options = options;
        if (metainfo is null && magnet?.SelectOnly is { Count: > 0 } selected)
        {
            // BEP 53: the files the link selects are wanted, the others (their count unknown yet) skipped.
            _othersSkipped = true;
            if (options.FilePriorities is null)
            {
                var levels = new FilePriority[selected[^1] + 1];
                foreach (var index in selected) levels[index] = FilePriority.Normal;
                Options = options with { FilePriorities = levels };
            }
        }
        _metainfo = metainfo;
        _magnet = magnet;
    }

    public InfoHash InfoHash { get; }

    /// <summary>Kept in the engine's session (<see cref="SessionStore"/>): set before the launch, so metadata that arrives before the add returns is recorded too.</summary>
    internal bool Remembered { get; set; }

    /// <summary>The torrent's name; for a magnet link its display name (or the info-hash) until the metadata is known.</summary>
    public string Name => _metainfo?.Name ?? _magnet?.DisplayName ?? InfoHash.ToHex();

    /// <summary>The directory the torrent's files are saved under (absolute).</summary>
    public string SaveDirectory { get; }

    /// <summary>The options given when the torrent was added (limits as last set by <see cref="SetLimits"/>).</summary>
    public TorrentOptions Options { get; private set; }

    /// <summary>The parsed metainfo, or null while a magnet's metadata is being fetched.</summary>
    public TorrentMetainfo? Metainfo => _metainfo;

    /// <summary>The magnet link the torrent was added from, if any.</summary>
    public MagnetLink? Magnet => _magnet;

    public bool IsRemoved => _removed;

    internal EventHub Hub => _hub;

    // ---- lifecycle ------------------------------------------------------------------------------

    /// <summary>Starts a stopped torrent (files are opened and checked again), or resumes a paused one.</summary>
    public async Task StartAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfRemoved();
            if (_stopped) await LaunchAsync(startPaused: false, CancellationToken.None).ConfigureAwait(false);
            else await CommandAsync(new TorrentActor.Resume()).ConfigureAwait(false);
            Remember(paused: false);
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>Disconnects every peer and stops announcing; files stay open and progress is kept. No-op when stopped.</summary>
    public async Task PauseAsync()
    {
        await CommandAsync(new TorrentActor.Pause()).ConfigureAwait(false);
        Remember(paused: true);
    }

    /// <summary>Undoes <see cref="PauseAsync"/>; a stopped torrent is started.</summary>
    public async Task ResumeAsync()
    {
        ThrowIfRemoved();
        if (_stopped) await StartAsync().ConfigureAwait(false);
        else
        {
            await CommandAsync(new TorrentActor.Resume()).ConfigureAwait(false);
            Remember(paused: false);
        }
    }

    /// <summary>Keeps the session's entry (if the engine has a session and remembers this torrent) up to date.</summary>
    private void Remember(bool paused)
    {
        _paused = paused;
        _engine.Session?.Update(this, paused);
    }

    /// <summary>
    /// Stops the torrent: peers are disconnected, trackers are told <c>stopped</c> (bounded: an unanswering
    /// tracker is given up on), the resume state is written and every file is closed. The handle stays in
    /// <see cref="TorrentEngine.Torrents"/>; <see cref="StartAsync"/> starts it again.
    /// </summary>
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfRemoved();
            await StopCoreAsync().ConfigureAwait(false);
            Remember(paused: true); // a stopped torrent comes back paused after a restart
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>Stops the torrent and removes it from the engine with its resume state; <paramref name="deleteData"/> also deletes its downloaded files.</summary>
    public async Task RemoveAsync(bool deleteData)
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_removed) return;
            await StopCoreAsync().ConfigureAwait(false);
            _removed = true;
            _engine.Forget(this);
            TryDelete(_engine.ResumePath(InfoHash));
            TryDelete(_engine.MetadataPath(InfoHash));
            if (_metainfo is { } known && known.InfoHash != InfoHash)
            {
                // A btmh-only magnet of a hybrid: the torrent's state is kept under its v1 hash.
                TryDelete(_engine.ResumePath(known.InfoHash));
                TryDelete(_engine.MetadataPath(known.InfoHash));
            }
            Remembered = false; // a late metadata or settings update must not write it back
            _engine.Session?.Forget(InfoHash);
            if (deleteData && _metainfo is { } torrent) DataFiles.Delete(torrent, SaveDirectory);
            Shutdown();
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>Dials these peers (in addition to what trackers return). Ignored while the torrent is stopped; kept for later while paused.</summary>
    public void AddPeers(IEnumerable<System.Net.IPEndPoint> peers)
    {
        ThrowIfRemoved();
        if (_stopped) return;
        _engine.Root.Tell(new EngineRoot.ToTorrent(InfoHash, new PeerManager.AddPeers(peers.ToList(), PeerSource.Manual)), ActorRefs.NoSender);
    }

    /// <summary>Changes this torrent's own limits (bytes/s; null for none) at once; the engine's limits apply as well.
    /// Kept for the rest of the handle's life (also across stop and start).</summary>
    public void SetLimits(long? upload, long? download)
    {
        ThrowIfRemoved();
        var options = Options with { UploadLimit = upload, DownloadLimit = download };
        options.Validate();
        Options = options;
        if (!_stopped)
            _engine.Root.Tell(new EngineRoot.ToTorrent(InfoHash, new TorrentActor.SetLimits(new RateLimits(upload ?? 0, download ?? 0))), ActorRefs.NoSender);
        _engine.Session?.Update(this, _paused);
    }

    /// <summary>
    /// Changes a file's priority at once (the picker re-plans; a file wanted again is fetched, a skipped one no longer
    /// is, and its bytes not yet on disk go to the parts file). Kept across stop and start and in the session. Throws
    /// <see cref="InvalidOperationException"/> while a magnet's metadata is unknown, <see cref="ArgumentOutOfRangeException"/>
    /// for a file index outside the torrent.
    /// </summary>
    public async Task SetFilePriorityAsync(int fileIndex, FilePriority priority)
    {
        ThrowIfRemoved();
        var torrent = _metainfo ?? throw new InvalidOperationException($"{Name}: the file list is not known yet (metadata still being fetched)");
        if ((uint)fileIndex >= (uint)torrent.Files.Count)
            throw new ArgumentOutOfRangeException(nameof(fileIndex), $"file {fileIndex} is outside the torrent's {torrent.Files.Count} files");
        if (!Enum.IsDefined(priority)) throw new ArgumentOutOfRangeException(nameof(priority), $"{(int)priority} is not a priority");
        var levels = FilePriorities(torrent.Files.Count).ToArray();
        levels[fileIndex] = priority;
        Options = Options with { FilePriorities = levels };
        _othersSkipped = false;
        if (!_stopped)
            await CommandAsync(new TorrentActor.SetFilePriorities(Levels(levels))).ConfigureAwait(false);
        _engine.Session?.Update(this, _paused);
    }

    /// <summary>
    /// Sequential mode: pieces are started in index order within a priority level (for a player reading the whole file
    /// from the start; rarest-first serves the swarm better otherwise). Kept across stop and start, and in the engine's
    /// session across restarts.
    /// </summary>
    public async Task SetSequentialAsync(bool on)
    {
        ThrowIfRemoved();
        Options = Options with { Sequential = on };
        if (!_stopped) await CommandAsync(new TorrentActor.SetSequential(on)).ConfigureAwait(false);
        _engine.Session?.Update(this, _paused);
    }

    /// <summary>
    /// A read-only, seekable <see cref="Stream"/> over a file while it downloads (e.g. to play it): an async read waits until
    /// the bytes it asks for are verified, and moves the torrent's streaming window there — the next pieces after the
    /// reading position come first, in order, the rest rarest-first; the file's first and last pieces come before them from
    /// the moment it opens (a player reads the container's index, often at the end, before it plays). A skipped file becomes wanted when read. Sync reads
    /// block. Throws <see cref="InvalidOperationException"/> before a magnet's metadata is known.
    /// </summary>
    public Stream OpenReadStream(int fileIndex)
    {
        ThrowIfRemoved();
        var torrent = _metainfo ?? throw new InvalidOperationException($"{Name}: the file list is not known yet (metadata still being fetched)");
        if ((uint)fileIndex >= (uint)torrent.Files.Count || torrent.Files[fileIndex].IsPadding)
            throw new ArgumentOutOfRangeException(nameof(fileIndex), $"file {fileIndex} is not one of the torrent's {torrent.Files.Count} files");
        return new TorrentReadStream(this, torrent, fileIndex);
    }

    /// <summary>Streaming: one reader's window (pieces first, in order); a count of 0 clears it.</summary>
    internal void SetStreamWindow(int reader, int firstPiece, int count)
    {
        if (_stopped || _removed) return;
        _engine.Root.Tell(new EngineRoot.ToTorrent(InfoHash, new TorrentActor.SetStreamWindow(reader, firstPiece, count)), ActorRefs.NoSender);
    }

    /// <summary>Streaming: one reader's file ends (<see cref="Core.Pieces.StreamEdges"/>), before every reading window; none clears them.</summary>
    internal void SetStreamEdges(int reader, (int First, int Count)[] edges)
    {
        if (_stopped || _removed) return;
        _engine.Root.Tell(new EngineRoot.ToTorrent(InfoHash, new TorrentActor.SetStreamEdges(reader, edges)), ActorRefs.NoSender);
    }

    /// <summary>Each file's priority (from <see cref="TorrentOptions.FilePriorities"/>, or a magnet's <c>so=</c>).</summary>
    public IReadOnlyList<FilePriority> FilePriorities(int fileCount)
    {
        var given = Options.FilePriorities;
        var result = new FilePriority[fileCount];
        for (var i = 0; i < fileCount; i++)
            result[i] = given is not null && i < given.Count ? given[i] : _othersSkipped ? FilePriority.Skip : FilePriority.Normal;
        return result;
    }

    private static byte[] Levels(IReadOnlyList<FilePriority> priorities)
    {
        var levels = new byte[priorities.Count];
        for (var i = 0; i < levels.Length; i++) levels[i] = (byte)priorities[i];
        return levels;
    }

    /// <summary>What the torrent actor is told at launch: the priorities given, and for files past them normal (or skip: a magnet's so=).</summary>
    private FileLevels? LaunchLevels()
    {
        var given = Options.FilePriorities;
        if (given is null && !_othersSkipped) return null;
        return new FileLevels(Levels(given ?? []), _othersSkipped ? Core.Pieces.PiecePriorities.Skip : Core.Pieces.PiecePriorities.Normal);
    }

    // ---- queries --------------------------------------------------------------------------------

    /// <summary>State, progress, rates, peers, ETA and per-file progress.</summary>
    public async Task<TorrentSnapshot> GetStatusAsync()
    {
        ThrowIfRemoved();
        var status = await AskTorrentAsync<TorrentStatus>(new TorrentActor.GetStatus()).ConfigureAwait(false);
        if (_metainfo is null && status is { PieceCount: > 0 })
        {
            // The metadata arrived and the torrent runs; the relay may not have told us yet.
            _metainfo = await AskTorrentAsync<TorrentMetainfo>(new TorrentActor.GetMetainfo()).ConfigureAwait(false);
        }
        var map = await AskTorrentAsync<TorrentActor.PieceMapReply>(new TorrentActor.GetPieceMap()).ConfigureAwait(false);
        if (status is not null) _lastStatus = status;
        if (map is not null) _lastHave = map.Verified;
        var s = status ?? _lastStatus;
        var have = map?.Verified ?? _lastHave;
        var torrent = _metainfo;
        // The metadata can arrive between the asks above, so the piece map may be from before it.
        var files = torrent is not null ? FileProgress.ComputeOrNone(torrent, have, FilePriorities(torrent.Files.Count)) : [];
        var state = status?.State ?? TorrentState.Stopped;
        if (torrent is null)
        {
            // No metadata yet: nothing to count progress against.
            return new TorrentSnapshot(InfoHash, Name, state, 0, 0, 0, 0, 0, 0, 0, 0, 0, s?.Peers ?? 0, s?.KnownPeers ?? 0, null, 0, 0, s?.Error, SaveDirectory, files);
        }
        if (s is null)
        {
            var total = torrent?.TotalLength ?? 0;
            return new TorrentSnapshot(InfoHash, Name, state, 0, total, 0, torrent?.PieceCount ?? 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, null, SaveDirectory, files);
        }
        var running = status is not null;
        return new TorrentSnapshot(InfoHash, Name, state, s.Progress, s.TotalBytes, s.VerifiedBytes, s.PieceCount, s.VerifiedPieces,
            running ? s.DownloadRate : 0, running ? s.UploadRate : 0, s.Downloaded, s.Uploaded, running ? s.Peers : 0, s.KnownPeers,
            running ? s.Eta : s.IsComplete ? TimeSpan.Zero : null, s.CheckProgress, s.HashFailures, s.Error, SaveDirectory, files)
        {
            Startup = s.Startup,
            WantedComplete = s.IsComplete,
        };
    }

    /// <summary>The connected peers (empty when paused or stopped).</summary>
    public async Task<IReadOnlyList<PeerSnapshot>> GetPeersAsync()
    {
        ThrowIfRemoved();
        var peers = await AskTorrentAsync<List<PeerManager.PeerStats>>(new TorrentActor.GetPeers()).ConfigureAwait(false);
        if (peers is null) return [];
        var pieceCount = _metainfo?.PieceCount ?? 0;
        var result = new List<PeerSnapshot>(peers.Count);
        foreach (var p in peers)
            result.Add(new PeerSnapshot(p.Remote, p.PeerId is null ? p.Url is null ? null : "web seed" : ClientNames.Describe(p.PeerId), p.PeerId?.ToString() ?? "",
                p.DownloadRate, p.UploadRate, p.Downloaded, p.Uploaded, p.AmChoking, p.AmInterested, p.PeerChoking, p.PeerInterested,
                p.Snubbed, pieceCount == 0 ? 0 : (double)p.PiecesHave / pieceCount, p.ConnectedAt) { Source = p.Source, Encrypted = p.Encrypted, Utp = p.Utp, Url = p.Url });
        return result;
    }

    /// <summary>Every tracker of the torrent with its last announce result ("idle" while paused or stopped).</summary>
    public async Task<IReadOnlyList<TrackerSnapshot>> GetTrackersAsync()
    {
        ThrowIfRemoved();
        var states = await AskTorrentAsync<List<TrackerClient.TrackerState>>(new TorrentActor.GetTrackers()).ConfigureAwait(false);
        var byUrl = new Dictionary<string, TrackerClient.TrackerState>();
        foreach (var s in states ?? []) byUrl[s.Url] = s;
        IReadOnlyList<IReadOnlyList<string>> tiers = _metainfo?.AnnounceTiers
            ?? (_magnet is null ? [] : _magnet.Trackers.Select(t => (IReadOnlyList<string>)new[] { t }).ToList());
        var result = new List<TrackerSnapshot>();
        for (var tier = 0; tier < tiers.Count; tier++)
            foreach (var url in tiers[tier])
                result.Add(byUrl.Remove(url, out var s)
                    ? new TrackerSnapshot(url, tier, s.Status, s.Peers, s.LastAnnounce, s.Error)
                    : new TrackerSnapshot(url, tier, "idle", 0, null, null));
        foreach (var s in byUrl.Values) result.Add(new TrackerSnapshot(s.Url, tiers.Count, s.Status, s.Peers, s.LastAnnounce, s.Error));
        return result;
    }

    /// <summary>Which pieces are verified.</summary>
    public async Task<PieceMap> GetPieceMapAsync()
    {
        ThrowIfRemoved();
        var map = await AskTorrentAsync<TorrentActor.PieceMapReply>(new TorrentActor.GetPieceMap()).ConfigureAwait(false);
        if (map is not null) _lastHave = map.Verified;
        var have = map?.Verified ?? _lastHave;
        if (have is null)
            return _metainfo is { } t ? new PieceMap(t.PieceCount, 0, new byte[(t.PieceCount + 7) / 8]) : PieceMap.Empty;
        return new PieceMap(have.Count, have.SetCount, have.ToWire());
    }

    // ---- events ---------------------------------------------------------------------------------

    /// <summary>
    /// The torrent's events, starting with the current state. The stream is registered at this call (events
    /// from then on are kept, up to <see cref="EventHub.Capacity"/> unread), and ends when the torrent is removed
    /// or the engine stops; cancelling <paramref name="ct"/> ends it too (the enumeration then throws
    /// <see cref="OperationCanceledException"/>).
    /// </summary>
    public IAsyncEnumerable<TorrentEvent> Events(CancellationToken ct = default)
    {
        ThrowIfRemoved();
        var channel = _hub.Open();
        return Read(channel, ct);
    }

    private async IAsyncEnumerable<TorrentEvent> Read(Channel<TorrentEvent> channel, [EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            while (await channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
                while (channel.Reader.TryRead(out var e))
                    yield return e;
        }
        finally { _hub.Close(channel); }
    }

    /// <summary>The same events as an <see cref="IObservable{T}"/>. Observers are called on an engine thread: they must not block.</summary>
    public IObservable<TorrentEvent> AsObservable() => new Observable(_hub);

    private sealed class Observable(EventHub hub) : IObservable<TorrentEvent>
    {
        public IDisposable Subscribe(IObserver<TorrentEvent> observer) => hub.Subscribe(observer);
    }

    public override string ToString() => $"{Name} ({InfoHash})";

    // ---- internals ------------------------------------------------------------------------------

    /// <summary>Creates the torrent's actor (the handle must not be running).</summary>
    internal async Task LaunchAsync(bool startPaused, CancellationToken ct)
    {
        LeanMailbox.Register(_engine.System); // (the relay is made before the engine's root actor may have run)
        if (_relay.IsNobody()) _relay = _engine.System.ActorOf(EventRelay.Props(_hub, m =>
        {
            _metainfo = m;
            if (_othersSkipped)
            {
                Options = Options with { FilePriorities = FilePriorities(m.Files.Count) }; // every file now, so= applied
                _othersSkipped = false;
            }
            _engine.Session?.Update(this, _paused); // the session keeps the .torrent from now on
        }));
        _paused = startPaused;
        var limits = new RateLimits(Options.UploadLimit ?? 0, Options.DownloadLimit ?? 0);
        object add = _metainfo is { } torrent
            ? new EngineRoot.AddTorrent(torrent, SaveDirectory, limits, startPaused, _relay, LaunchLevels(), Options.Sequential, Options.WebSeeds)
            {
                // Probed here, on the caller's thread (a few stats), so that no actor waits on the disk for it.
                NothingOnDisk = Storage.StartProbe.NothingOnDisk(torrent, SaveDirectory, _engine.ResumePath(torrent.InfoHash)),
            }
            : new EngineRoot.AddMagnet(_magnet!, SaveDirectory, limits, startPaused, _relay, LaunchLevels(), Options.Sequential, Options.WebSeeds);
        var reply = await _engine.AskRootAsync(add, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        switch (reply)
        {
            case EngineRoot.TorrentAdded:
                _stopped = false;
                // A magnet whose metadata was known already: its x.pe peers still count.
                if (_metainfo is not null && _magnet is not null && _magnet.Peers.OfType<System.Net.IPEndPoint>().ToList() is { Count: > 0 } peers)
                    AddPeers(peers);
                return;
            case EngineRoot.AddFailed failed:
                throw new DuplicateTorrentException(InfoHash, Name + ": " + failed.Reason);
            default:
                throw new TorrentEngineException($"{Name}: unexpected reply {reply}");
        }
    }

    internal async Task StopCoreAsync()
    {
        if (_stopped) return;
        _stopped = true;
        try
        {
            await _engine.AskRootAsync(new EngineRoot.RemoveTorrent(InfoHash), TorrentActor.StopBudget + TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
        }
        catch (EngineTimeoutException)
        {
            // The torrent's own deadline stops it (and closes its files) regardless.
        }
        await DrainRelayAsync().ConfigureAwait(false);
        _hub.Publish(new StateChanged(InfoHash, DateTimeOffset.UtcNow, TorrentState.Stopped));
    }

    /// <summary>
    /// Waits (at most 1 s) until the relay has handled every event the stopped torrent or its fetcher told it: they are
    /// in its mailbox before the stop is answered, and <see cref="Shutdown"/>'s stop of the relay, a system message, would
    /// overtake them — a metadata that arrived just before an engine's stop was then never written to the session.
    /// </summary>
    private async Task DrainRelayAsync()
    {
        if (_relay.IsNobody()) return;
        try { await _relay.Ask<EventRelay.Drained>(EventRelay.Drain.Instance, TimeSpan.FromSeconds(1)).ConfigureAwait(false); }
        catch (AskTimeoutException) { }
    }

    /// <summary>Ends the event streams and the relay (torrent removed or engine stopped).</summary>
    internal void Shutdown()
    {
        _stopped = true;
        _hub.Complete();
        if (!_relay.IsNobody()) _engine.System.Stop(_relay);
        _relay = ActorRefs.Nobody;
    }

    internal void MarkRemovedByEngine() => _removed = true;

    private async Task CommandAsync(object command)
    {
        ThrowIfRemoved();
        await AskTorrentAsync<TorrentActor.CommandDone>(command).ConfigureAwait(false);
    }

    /// <summary>Asks the torrent's actor; null when it is not running (stopped).</summary>
    private async Task<T?> AskTorrentAsync<T>(object message) where T : class
    {
        if (_stopped) return null;
        var reply = await _engine.AskRootAsync(new EngineRoot.ToTorrent(InfoHash, message), TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        return reply switch
        {
            T t => t,
            EngineRoot.TorrentNotFound => null,
            _ => throw new TorrentEngineException($"{Name}: unexpected reply {reply} to {message.GetType().Name}"),
        };
    }

    private void ThrowIfRemoved()
    {
        if (_removed) throw new TorrentRemovedException(InfoHash);
        _engine.ThrowIfStopped();
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
