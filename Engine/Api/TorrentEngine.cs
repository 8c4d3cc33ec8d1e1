using System.Net.Sockets;
using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Dht;
using Engine.Metainfo;
using Engine.Peers;
using Engine.Runtime;
using Engine.Torrents;

namespace Engine.Api;

/// <summary>
/// The public face of the engine: add torrents (.torrent bytes, a path or a magnet link), find them, stop
/// everything. Every torrent shares one listener, one set of rate limits and one disk budget. Thread-safe.
/// <see cref="Create"/> owns its ActorSystem; <see cref="Attach"/> runs inside one the caller already has.
/// </summary>
public sealed class TorrentEngine : IAsyncDisposable
{
    /// <summary>The name of the engine's System.Diagnostics.Metrics meter (disk queue, connections, torrents; docs/api.md).</summary>
    public const string MeterName = "Engine";

    /// <summary>Upper bound of <see cref="StopAsync"/>, whatever the trackers and peers do.</summary>
    public static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);

    private static int _instances;

    private readonly bool _ownsSystem;
    private readonly object _gate = new();
    private readonly List<TorrentHandle> _torrents = new();
    private readonly string _resumeDirectory;
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private volatile bool _stopped;

    private TorrentEngine(ActorSystem system, IActorRef root, EngineContext context, TorrentEngineOptions options, EngineOptions engineOptions, bool ownsSystem)
    {
        System = system;
        Root = root;
        Context = context;
        Options = options;
        _resumeDirectory = engineOptions.ResumeDirectory;
        _ownsSystem = ownsSystem;
        if (options.Session) Session = new SessionStore(options.SessionDirectory ?? Path.Combine(engineOptions.ResumeDirectory, "session"));
        ListenEndPoint = engineOptions.ListenOn is { } on ? new IPEndPoint(on.Address, context.ListenPort) : null;
    }

    public TorrentEngineOptions Options { get; }

    /// <summary>Where peers reach us (the actual port when <see cref="TorrentEngineOptions.ListenOn"/> asked for port 0); null when not listening.</summary>
    public IPEndPoint? ListenEndPoint { get; }

    /// <summary>The ActorSystem the engine runs in.</summary>
    public ActorSystem System { get; }

    internal IActorRef Root { get; }

    /// <summary>The remembered torrents (<see cref="TorrentEngineOptions.Session"/>), or null.</summary>
    internal SessionStore? Session { get; }

    /// <summary>What the session could not restore or save (an unreadable entry, a torrent that failed to start, a full disk); empty without a session.</summary>
    public IReadOnlyList<string> SessionProblems => Session?.Problems ?? [];
    internal EngineContext Context { get; }

    /// <summary>Starts an engine in a new ActorSystem of its own (terminated by <see cref="StopAsync"/>).</summary>
    public static TorrentEngine Create(TorrentEngineOptions options) => Create(options, (Microsoft.Extensions.Logging.ILoggerFactory?)null);

    /// <summary>Like <see cref="Create(TorrentEngineOptions)"/>, with Akka's logging routed to <paramref name="loggerFactory"/>.</summary>
    public static TorrentEngine Create(TorrentEngineOptions options, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var engineOptions = Prepare(options);
        return StartOwned(SystemFor(engineOptions, () => CreateSystem(engineOptions.ExtraHocon, loggerFactory)), options, engineOptions);
    }

    /// <summary>
    /// Like <see cref="Create(TorrentEngineOptions, Microsoft.Extensions.Logging.ILoggerFactory?)"/>, in the ActorSystem
    /// <paramref name="prestarted"/> began starting earlier (waited for here); terminated by <see cref="StopAsync"/>.
    /// When the options are refused the system stays with <paramref name="prestarted"/> (dispose it).
    /// </summary>
    public static TorrentEngine Create(TorrentEngineOptions options, PrestartedSystem prestarted)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prestarted);
        var engineOptions = Prepare(options);
        return StartOwned(SystemFor(engineOptions, () => prestarted.Take(engineOptions.ExtraHocon)), options, engineOptions);
    }

    /// <summary>The system from <paramref name="start"/>; when it fails, the listening socket <see cref="Prepare"/> bound is closed (no listener will take it).</summary>
    private static ActorSystem SystemFor(EngineOptions engineOptions, Func<ActorSystem> start)
    {
        try { return start(); }
        catch
        {
            engineOptions.ListenSocket?.Dispose();
            throw;
        }
    }

    /// <summary>A new ActorSystem for an engine: the engine's defaults under <paramref name="extraHocon"/>, Akka's logging to the factory when given.</summary>
    internal static ActorSystem CreateSystem(string? extraHocon, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        var config = ConfigurationFactory.ParseString(extraHocon ?? "");
        if (loggerFactory is not null) config = config.WithFallback(ConfigurationFactory.ParseString(MicrosoftLoggingSetup.Hocon));
        config = config.WithFallback(ConfigurationFactory.ParseString(EngineSystem.DefaultHocon));
        var setup = BootstrapSetup.Create().WithConfig(config).And(new MicrosoftLoggingSetup(loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        return SystemStart.Create("torrent-engine", config, setup);
    }

    private static TorrentEngine StartOwned(ActorSystem system, TorrentEngineOptions options, EngineOptions engineOptions)
    {
        try { return Start(system, options, engineOptions, ownsSystem: true); }
        catch
        {
            system.TerminateQuietly().Wait(TimeSpan.FromSeconds(5));
            throw;
        }
    }

    /// <summary>Starts an engine inside <paramref name="system"/> (left running by <see cref="StopAsync"/>).</summary>
    public static TorrentEngine Attach(ActorSystem system, TorrentEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        return Start(system, options, Prepare(options), ownsSystem: false);
    }

    private static readonly TimeSpan ListenerStartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Starts an engine in <paramref name="system"/> from engine options mapped elsewhere (the hosting extensions).</summary>
    internal static TorrentEngine Start(ActorSystem system, TorrentEngineOptions options, EngineOptions engineOptions, bool ownsSystem)
    {
        var name = "torrent-engine-" + Interlocked.Increment(ref _instances);
        IActorRef root;
        EngineContext context;
        try { (root, context) = EngineSystem.CreateRoot(system, engineOptions, name); }
        catch
        {
            engineOptions.ListenSocket?.Dispose(); // no listener took it
            throw;
        }
        // Return only once peers can connect: at once when the socket is listening already (Prepare bound it, the
        // listener takes it over; connections wait in its backlog until the listener accepts them).
        if (engineOptions.ListenOn is not null && engineOptions.ListenSocket is null)
        {
            // Otherwise (port 0) the wait is for the actors to start, which a starved thread pool (a busy host) can delay for seconds.
            try { root.Ask<EngineRoot.ListenEndPoint>(new EngineRoot.GetListenEndPoint(), ListenerStartTimeout).GetAwaiter().GetResult(); }
            catch (AskTimeoutException e)
            {
                system.Stop(root);
                throw new TorrentEngineException($"the listener on {engineOptions.ListenOn} did not start within {ListenerStartTimeout.TotalSeconds:F0} s", e);
            }
        }
        var engine = new TorrentEngine(system, root, context, options, engineOptions, ownsSystem);
        EngineMeter.Register(engine, name);
        engine.RestoreSession();
        return engine;
    }

    /// <summary>Adds the session's torrents again, oldest first (each paused or stopped as it was, with its own limits).</summary>
    private void RestoreSession()
    {
        if (Session is null) return;
        foreach (var (entry, torrent) in Session.Load())
        {
            var add = new TorrentOptions { StartPaused = entry.Paused, UploadLimit = entry.UploadLimit, DownloadLimit = entry.DownloadLimit, FilePriorities = entry.FilePriorities,
                Sequential = entry.Sequential, WebSeeds = entry.WebSeeds };
            try
            {
                var adding = torrent is not null ? AddAsync(torrent, entry.SaveDirectory, add) : AddAsync(entry.Magnet!, entry.SaveDirectory, add);
                var handle = adding.GetAwaiter().GetResult();
                // A btmh-only magnet of a hybrid was remembered under its v2 hash; its torrent is known by its v1 hash now.
                if (!handle.InfoHash.ToHex().Equals(entry.Hash, StringComparison.OrdinalIgnoreCase)) Session.Forget(InfoHash.FromHex(entry.Hash));
            }
            catch (Exception e) when (e is TorrentEngineException or ArgumentException or IOException)
            {
                Session.Problem($"{entry.Hash}: not restored: {e.Message}");
            }
        }
    }

    private static EngineOptions Prepare(TorrentEngineOptions options)
    {
        var engineOptions = options.ToEngineOptions();
        try { Directory.CreateDirectory(engineOptions.ResumeDirectory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidEngineOptionsException($"cannot create the state directory {engineOptions.ResumeDirectory}: {e.Message}");
        }
        if (engineOptions.ListenOn is { Port: > 0 } listen) engineOptions = engineOptions with { ListenSocket = Listen(listen) };
        return engineOptions;
    }

    /// <summary>
    /// The listening socket, bound here so that a listener that cannot bind fails with a clear message rather than
    /// inside the actor system, and so that peers can connect as soon as the engine is returned (its listener takes it over).
    /// </summary>
    private static Socket Listen(IPEndPoint endPoint)
    {
        try { return PeerListener.Open(endPoint); }
        catch (SocketException e)
        {
            throw new TorrentEngineException($"cannot listen on {endPoint}: {e.Message}", e);
        }
    }

    /// <summary>Changes the engine-wide limits (bytes/s, every torrent together; null for none); takes effect at once on every connection.</summary>
    public void SetLimits(long? upload, long? download)
    {
        ThrowIfStopped();
        if (upload is <= 0 || download is <= 0) throw new ArgumentException($"limits must be positive (or null for none), got up {upload}, down {download}");
        Context.Bandwidth.Set(new Limits.RateLimits(upload ?? 0, download ?? 0));
    }

    /// <summary>The engine-wide limits in force (null: none).</summary>
    public (long? Upload, long? Download) Limits
    {
        get
        {
            var l = Context.Bandwidth.Limits;
            return (l.UploadBytesPerSecond == 0 ? null : l.UploadBytesPerSecond, l.DownloadBytesPerSecond == 0 ? null : l.DownloadBytesPerSecond);
        }
    }

    /// <summary>Every torrent of the engine, in the order they were added.</summary>
    public IReadOnlyList<TorrentHandle> Torrents
    {
        get { lock (_gate) return _torrents.ToArray(); }
    }

    public TorrentHandle? Find(InfoHash infoHash)
    {
        lock (_gate)
            foreach (var t in _torrents)
                if (t.InfoHash == infoHash) return t;
        return null;
    }

    /// <summary>Adds a torrent from the bytes of a .torrent file and starts it (or leaves it paused, see <see cref="TorrentOptions.StartPaused"/>).</summary>
    public async Task<TorrentHandle> AddAsync(byte[] torrentFile, string saveDirectory, TorrentOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(torrentFile);
        TorrentMetainfo metainfo;
        try { metainfo = TorrentMetainfo.Parse(torrentFile); }
        catch (MetainfoException e) { throw new InvalidTorrentException(e.Message, e); }
        return await AddAsync(metainfo, null, saveDirectory, options, ct).ConfigureAwait(false);
    }

    /// <summary>Adds a torrent from a .torrent file's path or a magnet link.</summary>
    public async Task<TorrentHandle> AddAsync(string pathOrMagnet, string saveDirectory, TorrentOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pathOrMagnet);
        if (MagnetLink.IsMagnet(pathOrMagnet))
        {
            MagnetLink magnet;
            try { magnet = MagnetLink.Parse(pathOrMagnet); }
            catch (MagnetException e) { throw new InvalidTorrentException("invalid magnet link: " + e.Message, e); }
            // Metadata fetched in an earlier run is kept in the state directory.
            TorrentMetainfo? known = null;
            if (File.Exists(MetadataPath(magnet.InfoHash)))
            {
                try { known = TorrentMetainfo.Load(MetadataPath(magnet.InfoHash)); }
                catch (MetainfoException) { }
                if (known?.InfoHash != magnet.InfoHash) known = null;
            }
            return await AddAsync(known, magnet, saveDirectory, options, ct).ConfigureAwait(false);
        }
        TorrentMetainfo metainfo;
        try { metainfo = TorrentMetainfo.Load(pathOrMagnet); }
        catch (MetainfoException e) { throw new InvalidTorrentException(e.Message.StartsWith(pathOrMagnet, StringComparison.Ordinal) || e.Message.Contains(pathOrMagnet, StringComparison.Ordinal) ? e.Message : $"{pathOrMagnet}: {e.Message}", e); }
        return await AddAsync(metainfo, null, saveDirectory, options, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a torrent parsed already (e.g. by <see cref="TorrentMetainfo.Load"/>, so that a bad file is reported
    /// before any engine starts) and starts it.
    /// </summary>
    public Task<TorrentHandle> AddAsync(TorrentMetainfo metainfo, string saveDirectory, TorrentOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(metainfo);
        return AddAsync(metainfo, null, saveDirectory, options, ct);
    }

    private async Task<TorrentHandle> AddAsync(TorrentMetainfo? metainfo, MagnetLink? magnet, string saveDirectory, TorrentOptions? options, CancellationToken ct)
    {
        ThrowIfStopped();
        if (string.IsNullOrWhiteSpace(saveDirectory)) throw new ArgumentException("a save directory is needed", nameof(saveDirectory));
        options ??= new TorrentOptions();
        options.Validate();
        var hash = magnet?.InfoHash ?? metainfo!.InfoHash;
        var handle = new TorrentHandle(this, hash, Path.GetFullPath(saveDirectory), options, metainfo, magnet);
        lock (_gate)
        {
            foreach (var t in _torrents)
                if (t.InfoHash == hash) throw new DuplicateTorrentException(hash, t.Name);
            _torrents.Add(handle);
        }
        try
        {
            handle.Remembered = options.Remember && Session is not null;
            await handle.LaunchAsync(options.StartPaused, ct).ConfigureAwait(false);
            if (handle.Remembered) Session!.Remember(handle, options.StartPaused);
        }
        catch
        {
            Forget(handle);
            handle.Shutdown();
            throw;
        }
        return handle;
    }

    /// <summary>The DHT node's routing table, lookups and store; null when the engine runs no DHT (<see cref="TorrentEngineOptions.Dht"/> off, or no listener).</summary>
    public async Task<DhtStatus?> GetDhtStatusAsync(CancellationToken ct = default)
    {
        ThrowIfStopped();
        var reply = await AskRootAsync(new EngineRoot.ToDht(new DhtNode.GetStatus()), TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        return reply is DhtNode.Status s
            ? new DhtStatus(s.Id, s.Nodes, s.Buckets, s.LookupsRunning, s.LookupsWaiting, s.StoredTorrents, s.StoredPeers, s.ExternalAddress)
            : null;
    }

    /// <summary>How the port mapping went: the router, its external address, the TCP and UDP ports it forwards to us, or why not.</summary>
    public async Task<PortMappingStatus> GetPortMappingAsync(CancellationToken ct = default)
    {
        ThrowIfStopped();
        var s = (PortMapping.PortMapper.Status)await AskRootAsync(new EngineRoot.ToPortMapper(new PortMapping.PortMapper.GetStatus()), TimeSpan.FromSeconds(5), ct)
            .ConfigureAwait(false);
        return new PortMappingStatus(s.Gateway, s.ExternalAddress, s.TcpPort, s.UdpPort, s.State) { Protocol = s.Protocol };
    }

    /// <summary>The DHT node's routing table and the torrents announced to it; null when the DHT is off.</summary>
    public async Task<DhtTable?> GetDhtTableAsync(CancellationToken ct = default)
    {
        ThrowIfStopped();
        return await AskRootAsync(new EngineRoot.ToDht(new DhtNode.GetTable()), TimeSpan.FromSeconds(5), ct).ConfigureAwait(false) is DhtNode.Table t
            ? new DhtTable(t.Nodes.Select(n => new DhtTableNode(n.Id, n.EndPoint, n.Bucket, n.Good, n.LastSeen)).ToList(),
                t.Stored.Select(s => new DhtStoredTorrent(s.InfoHash, s.Peers)).ToList())
            : null;
    }

    /// <summary>
    /// One DHT lookup of <paramref name="infoHash"/>'s peers (get_peers, nothing announced); it waits for the node to know
    /// someone to ask. Ends when the lookup has converged, or at <paramref name="within"/> (default 60 s) or cancellation with
    /// the peers found so far (<see cref="DhtLookupResult.Finished"/> false). Null when the DHT is off.
    /// </summary>
    public async Task<DhtLookupResult?> FindPeersAsync(InfoHash infoHash, TimeSpan? within = null, CancellationToken ct = default)
    {
        ThrowIfStopped();
        var result = new TaskCompletionSource<DhtLookupResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = System.ActorOf(DhtLookupCollector.Props(Root, infoHash, result));
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(within ?? TimeSpan.FromSeconds(60));
        await using (bound.Token.Register(() => collector.Tell(new DhtLookupCollector.Cut())).ConfigureAwait(false))
            await Task.WhenAny(result.Task, GraceAfter(bound.Token)).ConfigureAwait(false);
        return result.Task.IsCompleted ? await result.Task.ConfigureAwait(false) : new DhtLookupResult(infoHash, [], 0, 0, 0, false);

        // The collector answers a cut at once; should it be gone (the engine stopping), the caller still gets an answer.
        static async Task GraceAfter(CancellationToken cut)
        {
            try { await Task.Delay(Timeout.InfiniteTimeSpan, cut).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops every torrent (trackers are told <c>stopped</c>, resume state written, files closed), then the
    /// listener, and terminates the ActorSystem when the engine owns it. Finishes within <see cref="StopBound"/>
    /// even when trackers never answer. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await _stopGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_stopped) return;
            var deadline = DateTime.UtcNow + StopBound - TimeSpan.FromMilliseconds(250);
            var torrents = Torrents;
            try
            {
                // Each torrent bounds its own stop (TorrentActor.StopBudget); this bounds them all.
                await Task.WhenAll(torrents.Select(t => t.StopCoreAsync())).WaitAsync(Left(deadline), ct).ConfigureAwait(false);
            }
            catch (TimeoutException) { }
            _stopped = true;
            EngineMeter.Unregister(this);
            foreach (var t in torrents) t.Shutdown();
            await UnmapPortsAsync(deadline).ConfigureAwait(false);
            try { await Root.GracefulStop(Left(deadline)).ConfigureAwait(false); }
            catch (TaskCanceledException) { Root.Tell(PoisonPill.Instance); }
            Context.Http.Dispose();
            if (_ownsSystem)
            {
                try { await System.TerminateQuietly().WaitAsync(Left(deadline), CancellationToken.None).ConfigureAwait(false); }
                catch (TimeoutException) { /* terminating goes on in the background */ }
            }
        }
        finally { _stopGate.Release(); }
    }

    /// <summary>Asks the router to remove the port mappings (NAT-PMP at once, UPnP over HTTP), waiting at most 2 s.</summary>
    private async Task UnmapPortsAsync(DateTime deadline)
    {
        var wait = Left(deadline) < TimeSpan.FromSeconds(2) ? Left(deadline) : TimeSpan.FromSeconds(2);
        try { await Root.Ask(new EngineRoot.ToPortMapper(new PortMapping.PortMapper.Unmap()), wait).ConfigureAwait(false); }
        catch (AskTimeoutException) { }
    }

    private static TimeSpan Left(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    // ---- for handles ----------------------------------------------------------------------------

    internal string ResumePath(InfoHash hash) => Path.Combine(_resumeDirectory, hash.ToHex() + ".resume");

    /// <summary>Where the engine keeps the .torrent built from a magnet link's fetched metadata.</summary>
    internal string MetadataPath(InfoHash hash) => Path.Combine(_resumeDirectory, hash.ToHex() + ".torrent");

    internal void Forget(TorrentHandle handle)
    {
        lock (_gate) _torrents.Remove(handle);
    }

    internal void ThrowIfStopped()
    {
        if (_stopped) throw new EngineStoppedException();
    }

    internal async Task<object> AskRootAsync(object message, TimeSpan timeout, CancellationToken ct)
    {
        try { return await Root.Ask(message, timeout, ct).ConfigureAwait(false); }
        catch (AskTimeoutException e)
        {
            throw new EngineTimeoutException($"the engine did not answer {message.GetType().Name} within {timeout.TotalSeconds:0.#} s", e);
        }
    }
}
