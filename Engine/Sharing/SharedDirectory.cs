using System.Threading.Channels;
using Akka.Actor;
using Engine.Api;
using Engine.Core.Primitives;
using Engine.Resolving;

namespace Engine.Sharing;

/// <summary>
/// A shared directory with its own engine: every top-level file is made into a torrent (one per file), published to our
/// tracker's catalog and seeded; new and changed files are picked up while it runs; <see cref="FetchAsync"/> downloads a
/// torrent of the catalog into the directory, which then shares it too. State (index, .torrent files, the engine's
/// resume files) lives in <c>&lt;dir&gt;/.share-state/</c>, so partial fetches go on after a restart.
/// </summary>
public sealed class SharedDirectory : IAsyncDisposable
{
    private static int _instances;
    private readonly IActorRef _actor;
    private readonly ShareStateStore _store;
    private readonly HttpClient _http;
    private readonly Channel<ShareEvent> _events;
    private bool _disposed;

    private SharedDirectory(TorrentEngine engine, IActorRef actor, ShareStateStore store, HttpClient http, Channel<ShareEvent> events, string directory)
    {
        Engine = engine;
        _actor = actor;
        _store = store;
        _http = http;
        _events = events;
        Directory = directory;
    }

    public string Directory { get; }

    public TorrentEngine Engine { get; }

    /// <summary>What happens, in order (the oldest are dropped beyond 10 000 unread).</summary>
    public ChannelReader<ShareEvent> Events => _events.Reader;

    /// <summary>
    /// Starts an engine for the directory (created if missing) with its state in <c>.share-state/resume</c> (or <see cref="ShareOptions.StateDirectory"/>), restores the
    /// shares and fetches of an earlier run, and starts scanning. <paramref name="engineOptions"/> gives the listen address,
    /// limits and tunables; its state directory is replaced.
    /// </summary>
    public static Task<SharedDirectory> StartAsync(ShareOptions options, TorrentEngineOptions? engineOptions = null, Action<ShareEvent>? onEvent = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var directory = Path.GetFullPath(options.Directory);
        try { System.IO.Directory.CreateDirectory(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ShareException($"cannot create {directory}: {e.Message}", e);
        }
        ShareStateStore store;
        try { store = new ShareStateStore(directory, options.StateDirectory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ShareException($"cannot create the state directory in {directory}: {e.Message}", e);
        }
        var problems = new List<string>();
        var restored = store.Load(problems);

        var events = Channel.CreateBounded<ShareEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        void Publish(ShareEvent e)
        {
            events.Writer.TryWrite(e);
            onEvent?.Invoke(e);
        }
        foreach (var p in problems) Publish(new ShareProblem(DateTimeOffset.UtcNow, p));
        store.WriteFailed += message => Publish(new ShareProblem(DateTimeOffset.UtcNow, "cannot save the share state: " + message));

        var engineSettings = (engineOptions ?? new TorrentEngineOptions()) with { StateDirectory = store.ResumeDirectory };
        var engine = TorrentEngine.Create(engineSettings);
        var http = new HttpClient(new SocketsHttpHandler().Through(local: Transports.TcpDialer.SourceFor(engineSettings.ListenOn?.Address)))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Engine/0.1");
        var catalog = options.CatalogUri is { } root ? new TrackerCatalogClient(http, root, options.RequestTimeout) { PublishToken = options.PublishToken } : null;
        var actor = engine.System.ActorOf(ShareActor.Props(engine, options with { Directory = directory }, store, catalog, restored, Publish),
            "share-" + Interlocked.Increment(ref _instances));
        return Task.FromResult(new SharedDirectory(engine, actor, store, http, events, directory));
    }

    /// <summary>Fetches a torrent of the catalog (by exact name or info-hash) into the directory. Returns once the engine has it; see <see cref="FetchResult"/>.</summary>
    public async Task<FetchResult> FetchAsync(string nameOrInfoHash, TimeSpan? timeout = null)
    {
        var reply = await _actor.Ask(new ShareActor.Fetch(nameOrInfoHash), timeout ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return reply switch
        {
            ShareActor.FetchAccepted a => new FetchResult(a.InfoHash, a.Name, a.Size, a.AlreadyComplete, Engine.Find(a.InfoHash)),
            ShareActor.FetchRefused r => throw new ShareException(r.Reason),
            _ => throw new ShareException("unexpected reply " + reply),
        };
    }

    /// <summary>Every file the share knows and where it is.</summary>
    public Task<IReadOnlyList<ShareItem>> GetItemsAsync() => _actor.Ask<IReadOnlyList<ShareItem>>(new ShareActor.GetItems(), TimeSpan.FromSeconds(10));

    /// <summary>Scans the directory now (a watcher does it on its own; this is for callers that know better).</summary>
    public void ScanNow() => _actor.Tell(new ShareActor.ScanNow());

    /// <summary>Stops scanning, saves the state, stops every torrent (trackers are told <c>stopped</c>) and the engine.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try { await _actor.GracefulStop(TimeSpan.FromSeconds(3)).ConfigureAwait(false); }
        catch (TaskCanceledException) { }
        await _store.FlushAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await Engine.StopAsync().ConfigureAwait(false);
        _http.Dispose();
        _events.Writer.TryComplete();
    }
}

/// <summary>A fetch the engine took: <see cref="Handle"/> gives its progress.</summary>
/// <param name="AlreadyComplete">The directory already had it.</param>
public sealed record FetchResult(InfoHash InfoHash, string Name, long Size, bool AlreadyComplete, TorrentHandle? Handle);
