using Akka.Actor;
using Engine.Actors;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Metainfo;

namespace Engine.Sharing;

/// <summary>
/// The thin shell around a <see cref="ShareLibrary"/>: scans the directory (a file-system watcher, a periodic rescan
/// and the library's own "settled by then" time), makes settled files into torrents off the actor thread, adds them to
/// the engine and publishes them; unshares deleted and changed files; fetches from the catalog (<see cref="Fetch"/>, and
/// everything new when following) and watches fetches until complete. All I/O is piped back; state files are written
/// by the <see cref="ShareStateStore"/>'s background chain.
/// </summary>
internal sealed partial class ShareActor : UntypedActor, IWithTimers
{
    /// <summary>Fetch a torrent of the catalog by name or info-hash; replies <see cref="FetchAccepted"/> or <see cref="FetchRefused"/>.</summary>
    public sealed record Fetch(string Query);
    public sealed record FetchAccepted(InfoHash InfoHash, string Name, long Size, bool AlreadyComplete);
    public sealed record FetchRefused(string Reason);
    /// <summary>Replies the directory's <see cref="ShareItem"/>s.</summary>
    public sealed record GetItems;
    /// <summary>Scan now (the watcher does this on its own).</summary>
    public sealed record ScanNow;

    private sealed class ScanTick { public static readonly ScanTick Instance = new(); }
    private sealed record Listed(IReadOnlyList<ListedFile>? Files, string? Error);
    private sealed record HashDone(ListedFile File, FileSignature After, byte[]? Torrent, string? Error);
    private sealed record Added(InfoHash InfoHash, TorrentHandle? Handle, string? Error);
    private sealed record PublishDone(InfoHash InfoHash, bool IsNew, string? Error);

    private readonly TorrentEngine _engine;
    private readonly ShareOptions _options;
    private readonly ShareStateStore _store;
    private readonly TrackerCatalogClient? _catalog;
    private readonly Action<ShareEvent> _publish;
    private readonly ShareLibrary _library;
    private readonly Dictionary<InfoHash, byte[]> _torrents = new();
    private readonly Dictionary<InfoHash, TorrentHandle> _handles = new();
    private readonly HashSet<InfoHash> _publishing = new();
    private readonly HashSet<InfoHash> _publishFailureReported = new();
    private readonly Queue<ListedFile> _toHash = new();
    private readonly string _directory;
    private FileSystemWatcher? _watcher;
    private bool _scanning, _rescan, _hashing;

    public ShareActor(TorrentEngine engine, ShareOptions options, ShareStateStore store, TrackerCatalogClient? catalog,
        IReadOnlyList<(ShareRecord Record, byte[] Torrent)> restored, Action<ShareEvent> publish)
    {
        _engine = engine;
        _options = options;
        _store = store;
        _catalog = catalog;
        _publish = publish;
        _directory = Path.GetFullPath(options.Directory);
        _library = new ShareLibrary(options.QuietPeriod);
        foreach (var (record, torrent) in restored)
        {
            _library.Restore(record);
            _torrents[record.InfoHash] = torrent;
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ScanNow: RequestScan(soon: true); break;
            case ScanTick: StartScan(); break;
            case Listed m: OnListed(m); break;
            case HashDone m: OnHashed(m); break;
            case Added m: OnAdded(m); break;
            case PublishDone m: OnPublished(m); break;
            case GetItems: Sender.Tell(_library.Items); break;
            default: if (!ReceiveFetch(message)) Unhandled(message); break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TorrentEngine engine, ShareOptions options, ShareStateStore store, TrackerCatalogClient? catalog,
        IReadOnlyList<(ShareRecord Record, byte[] Torrent)> restored, Action<ShareEvent> publish) =>
        ActorProps.Of(() => new ShareActor(engine, options, store, catalog, restored, publish));

    private DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override void PreStart()
    {
        // Fetches of an earlier run go on where they stopped (the engine's resume files know the verified pieces).
        foreach (var record in _library.Records())
            if (record.Downloading)
            {
                _publish(new FetchStarted(Now, record.Name, record.InfoHash, SizeOf(record.InfoHash), Resumed: true));
                AddToEngine(record.InfoHash);
            }
        if (_options.ShareFiles)
        {
            Timers.StartPeriodicTimer("scan", ScanTick.Instance, _options.ScanInterval);
            StartWatcher();
            Self.Tell(ScanTick.Instance);
        }
        StartFetchTimers();
    }

    protected override void PostStop()
    {
        _watcher?.Dispose();
        _store.SaveIndex(_library.Records());
    }

    private void StartWatcher()
    {
        try
        {
            var self = Self;
            _watcher = new FileSystemWatcher(_directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite,
            };
            FileSystemEventHandler changed = (_, e) => { if (ShareLibrary.IsShareableName(e.Name ?? "")) self.Tell(new ScanNow()); };
            _watcher.Created += changed;
            _watcher.Changed += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, _) => self.Tell(new ScanNow());
            _watcher.Error += (_, _) => self.Tell(new ScanNow());
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _publish(new ShareProblem(Now, $"no file-system watcher on {_directory} ({e.Message}); rescanning every {_options.ScanInterval.TotalSeconds:0.#} s"));
        }
    }

    /// <summary>A watcher event (or a caller) wants a scan: one shortly, coalescing bursts of events.</summary>
    private void RequestScan(bool soon)
    {
        if (!_options.ShareFiles) return;
        if (soon && !Timers.IsTimerActive("scan-soon")) Timers.StartSingleTimer("scan-soon", ScanTick.Instance, TimeSpan.FromMilliseconds(100));
    }

    private void StartScan()
    {
        if (!_options.ShareFiles) return;
        if (_scanning)
        {
            _rescan = true;
            return;
        }
        _scanning = true;
        var directory = _directory;
        Task.Run(() => DirectoryListing.List(directory)).PipeTo(Self,
            success: files => new Listed(files, null),
            failure: e => new Listed(null, Reason(e)));
        RetryPublishing();
    }

    private void OnListed(Listed m)
    {
        _scanning = false;
        if (m.Files is null)
        {
            _publish(new ShareProblem(Now, $"cannot list {_directory}: {m.Error}"));
            return;
        }
        var plan = _library.Observe(m.Files, Now);
        foreach (var u in plan.ToUnshare) Unshare(u);
        foreach (var (name, reason) in plan.Skipped) _publish(new ShareProblem(Now, $"'{name}' is not shared: {reason}"));
        foreach (var (_, hash) in plan.ToResume) AddToEngine(hash);
        foreach (var file in plan.ToHash) _toHash.Enqueue(file);
        if (plan.ToUnshare.Count > 0 || plan.ToResume.Count > 0) _store.SaveIndex(_library.Records());
        HashNext();
        if (plan.NextScan is { } next)
            Timers.StartSingleTimer("scan-next", ScanTick.Instance, Max(next - Now, TimeSpan.FromMilliseconds(20)));
        if (_rescan)
        {
            _rescan = false;
            StartScan();
        }
    }

    private void HashNext()
    {
        if (_hashing || _toHash.Count == 0) return;
        _hashing = true;
        var file = _toHash.Dequeue();
        var path = Path.Combine(_directory, file.Name);
        var creation = new TorrentCreationOptions
        {
            Trackers = _options.Trackers.Select(TrackerCatalogClient.AnnounceUrlFor).ToList(),
            PieceLength = _options.PieceLength,
            OmitCreationDate = true, // the same file gives the same .torrent everywhere
        };
        Task.Run(() =>
        {
            try
            {
                var torrent = TorrentCreator.Create(path, creation);
                var after = new FileInfo(path);
                return new HashDone(file, new FileSignature(after.Length, after.LastWriteTimeUtc), torrent, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or MetainfoException)
            {
                return new HashDone(file, file.Signature, null, e.Message);
            }
        }).PipeTo(Self);
    }

    private void OnHashed(HashDone m)
    {
        _hashing = false;
        HashNext();
        if (m.Torrent is null)
        {
            _library.HashFailed(m.File.Name, m.Error!);
            _publish(new ShareProblem(Now, $"'{m.File.Name}' is not shared: {m.Error}"));
            return;
        }
        var hash = TorrentMetainfo.Parse(m.Torrent).InfoHash;
        // A file written to while it was hashed, or seen changed by a scan meanwhile, settles again.
        if (m.After != m.File.Signature || !_library.Hashed(m.File.Name, m.File.Signature, hash, Now))
        {
            _library.HashDiscarded(m.File.Name, Now);
            RequestScan(soon: true);
            return;
        }
        _torrents[hash] = m.Torrent;
        _store.SaveTorrent(hash, m.Torrent);
        _store.SaveIndex(_library.Records());
        AddToEngine(hash);
    }

    private void AddToEngine(InfoHash hash)
    {
        if (_handles.ContainsKey(hash) || !_torrents.TryGetValue(hash, out var torrent)) return;
        _engine.AddAsync(torrent, _directory).PipeTo(Self,
            success: handle => new Added(hash, handle, null),
            failure: e => new Added(hash, null, Reason(e)));
    }

    private void OnAdded(Added m)
    {
        var item = _library.Find(m.InfoHash);
        if (m.Handle is null)
        {
            _publish(new ShareProblem(Now, $"the engine did not take {(item?.Name ?? m.InfoHash.ToHex())}: {m.Error}"));
            OnAddFailed(m.InfoHash, m.Error!);
            return;
        }
        if (item is null)
        {
            // Unshared while it was being added.
            _ = m.Handle.RemoveAsync(deleteData: false);
            return;
        }
        _handles[m.InfoHash] = m.Handle;
        OnFetchAdded(m.InfoHash);
        if (item.State != ShareItemState.Shared) return;
        if (item.Local && !item.Published) Publish(m.InfoHash);
        else _publish(new FileShared(Now, item.Name, m.InfoHash, SizeOf(m.InfoHash), item.Published, item.Local ? "resumed" : "resumed (fetched earlier)"));
    }

    private void Publish(InfoHash hash)
    {
        if (_catalog is null || !_publishing.Add(hash) || !_torrents.TryGetValue(hash, out var torrent))
        {
            if (_catalog is null && _library.Find(hash) is { } item)
                _publish(new FileShared(Now, item.Name, hash, SizeOf(hash), false, "seeded (no http tracker to publish to)"));
            return;
        }
        _catalog.PublishAsync(torrent).PipeTo(Self,
            success: isNew => new PublishDone(hash, isNew, null),
            failure: e => new PublishDone(hash, false, Reason(e)));
    }

    private void OnPublished(PublishDone m)
    {
        _publishing.Remove(m.InfoHash);
        var item = _library.Find(m.InfoHash);
        if (item is null) return;
        if (m.Error is null)
        {
            _library.MarkPublished(m.InfoHash);
            _store.SaveIndex(_library.Records());
            _publishFailureReported.Remove(m.InfoHash);
        }
        else if (!_publishFailureReported.Add(m.InfoHash)) return; // said once; retried quietly at each scan
        _publish(new FileShared(Now, item.Name, m.InfoHash, SizeOf(m.InfoHash), m.Error is null,
            m.Error is null ? (m.IsNew ? "published" : "published (the tracker had it already)") : $"seeded, not published yet: {m.Error}"));
    }

    /// <summary>Local torrents the tracker did not take yet are offered again at each scan.</summary>
    private void RetryPublishing()
    {
        if (_catalog is null) return;
        foreach (var item in _library.Unpublished())
            if (item.InfoHash is { } hash && _handles.ContainsKey(hash)) Publish(hash);
    }

    private void Unshare(Unshare u)
    {
        if (_handles.Remove(u.InfoHash, out var handle)) _ = handle.RemoveAsync(deleteData: false);
        _torrents.Remove(u.InfoHash);
        _store.DeleteTorrent(u.InfoHash);
        _publish(new FileUnshared(Now, u.Name, u.InfoHash, u.Reason));
    }

    private long SizeOf(InfoHash hash)
    {
        if (!_torrents.TryGetValue(hash, out var torrent)) return 0;
        try { return TorrentMetainfo.Parse(torrent).TotalLength; }
        catch (MetainfoException) { return 0; }
    }

    /// <summary>Our own exceptions say in full what failed; others by their innermost message.</summary>
    private static string Reason(Exception e)
    {
        var x = e;
        while (x is AggregateException { InnerExceptions.Count: 1 } a) x = a.InnerException!;
        return x is ShareException or TorrentEngineException ? x.Message : x.GetBaseException().Message;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
