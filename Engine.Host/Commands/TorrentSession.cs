using Engine.Api;
using Engine.Events;
using Engine.Host.Cli;
using Engine.Host.Output;
using Engine.Host.State;
using Engine.Host.Web;

namespace Engine.Host.Commands;

/// <summary>
/// The one torrent <c>download</c> or <c>seed</c> runs, in an engine of its own (the public <see cref="TorrentEngine"/>),
/// and with <c>--web</c> the web UI and REST API over that engine (the same as the <c>web</c> command serves).
/// Disposing stops the web server, then the engine.
/// </summary>
public sealed class TorrentSession : IAsyncDisposable
{
    private TorrentSnapshot? _last;

    private TorrentSession(TorrentEngine engine, WebServer? web, TorrentHandle torrent)
    {
        Engine = engine;
        Web = web;
        Torrent = torrent;
    }

    public TorrentEngine Engine { get; }

    /// <summary>The web UI, when <c>--web</c> was given.</summary>
    public WebServer? Web { get; }

    public TorrentHandle Torrent { get; }

    /// <summary>
    /// Starts an engine for these options, its logs on stderr (<see cref="HostLogging"/>), in the system <paramref name="early"/>
    /// started when given; a port or directory problem is one line.
    /// </summary>
    public static TorrentEngine StartEngine(TorrentEngineOptions options, bool verbose = false, EarlyEngine? early = null)
    {
        if (early is not null) early.Logging.Verbose = verbose;
        try { return early is not null ? TorrentEngine.Create(options, early.System) : TorrentEngine.Create(options, HostLogging.Create(verbose)); }
        catch (TorrentEngineException e) { throw new CommandLineException(Hint(e.Message)); }
    }

    /// <summary>Adds what to do to the engine's messages that need it.</summary>
    private static string Hint(string message) =>
        message.StartsWith("cannot listen on", StringComparison.Ordinal)
            ? message + " (another program has the port: choose another with --port, or a range such as 6881-6999)"
            : message;

    /// <summary>
    /// Starts the engine (state in <paramref name="stateDirectory"/>, or the host's) and, when asked for, the web UI (printing
    /// <c>web ui: &lt;address&gt;</c> through <paramref name="note"/>; torrents added in it are saved under
    /// <paramref name="saveDirectory"/> by default and remembered in the host's session for that directory), then adds the torrent.
    /// </summary>
    public static async Task<TorrentSession> StartAsync(SessionArguments options, TorrentSource source, string saveDirectory,
        string? stateDirectory, Action<string> note, bool verbose = false, FileChoice? files = null, EarlyEngine? early = null)
    {
        if (options.WebPort is not null) Opt.RequirePasswordBeyondLoopback(options.WebAddress, options.WebPassword, "--web-bind", "--web-password");
        var engineOptions = options.EngineOptions();
        if (stateDirectory is not null) engineOptions = engineOptions with { StateDirectory = stateDirectory };
        var full = Path.GetFullPath(saveDirectory);
        if (options.WebPort is not null)
        {
            // Torrents added in the page are the engine's session for this directory: back at the next run with --web.
            var sessionDirectory = options.Settings.State.SessionDirectory(full);
            foreach (var moved in StateMigration.MoveAll(full, sessionDirectory, ".session")) note(moved);
            engineOptions = engineOptions with { Session = true, SessionDirectory = sessionDirectory };
        }
        var engine = StartEngine(engineOptions, verbose, early);
        WebServer? web = null;
        try
        {
            if (options.WebPort is { } port)
            {
                var webOptions = new WebOptions(options.WebAddress, port, full) { Password = options.WebPassword };
                web = await WebServer.StartOrExplainAsync(engine, webOptions, "--web");
                note($"web ui: {web.Address}");
                WebEngine.ReportRestored(engine, note);
            }
            var handle = await AddOwnAsync(engine, source, saveDirectory, files, options.WebSeeds);
            return new TorrentSession(engine, web, handle);
        }
        catch
        {
            if (web is not null) await web.DisposeAsync();
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Adds the command's own torrent, not remembered in the session (the command line brings it back). A copy the session
    /// restored (it was added in the page once) gives way to it: removed from the session with its data kept (so its files
    /// are hash-checked again, as the command's own).
    /// </summary>
    private static async Task<TorrentHandle> AddOwnAsync(TorrentEngine engine, TorrentSource source, string saveDirectory, FileChoice? files, bool webSeeds)
    {
        var own = new TorrentOptions { Remember = false, FilePriorities = source.Metainfo is { } known ? files?.For(known.Files.Count) : null, WebSeeds = webSeeds };
        try
        {
            if (engine.Find(source.Metainfo?.InfoHash ?? source.Magnet!.InfoHash) is { } restored)
                await restored.RemoveAsync(deleteData: false);
            return source.Metainfo is { } m
                ? await engine.AddAsync(m, saveDirectory, own)
                : await engine.AddAsync(files is null ? source.Text : files.ForMagnet(source.Text), saveDirectory, own);
        }
        catch (TorrentEngineException e) { throw new CommandLineException(e.Message); }
    }

    /// <summary>Dials the <c>--peer</c> addresses (in addition to what trackers return).</summary>
    public void AddPeers(IReadOnlyList<System.Net.IPEndPoint> peers)
    {
        if (peers.Count > 0 && !Torrent.IsRemoved) Torrent.AddPeers(peers);
    }

    /// <summary>
    /// The torrent's status. Once it has been removed (in the web UI) this is the last status read, as
    /// <see cref="TorrentState.Stopped"/>: the command then ends as if stopped.
    /// </summary>
    public async Task<TorrentSnapshot> StatusAsync()
    {
        try
        {
            return _last = await Torrent.GetStatusAsync();
        }
        catch (TorrentRemovedException) when (_last is not null)
        {
            return _last with { State = TorrentState.Stopped, DownloadRate = 0, UploadRate = 0, Peers = 0, Eta = null };
        }
    }

    private TimeSpan? _originsRead;
    private PeerOrigins _origins = PeerOrigins.None;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Where the connected peers came from and the DHT's node count (<see cref="PeerOrigins"/>), read at most every 2 s.</summary>
    public async Task<PeerOrigins> OriginsAsync()
    {
        if (_originsRead is { } read && _clock.Elapsed - read < TimeSpan.FromSeconds(2)) return _origins;
        _originsRead = _clock.Elapsed;
        try { _origins = PeerOrigins.Of(await Torrent.GetPeersAsync(), await Engine.GetDhtStatusAsync()); }
        catch (TorrentEngineException) { } // removed, or the engine is stopping: keep the last
        return _origins;
    }

    private string? _mappingTold;
    private TimeSpan? _mappingAsked;

    /// <summary>A line to show when the port mapping's state changes (mapped, or why not), once per change; null otherwise.</summary>
    public async Task<string?> PortMappingNoteAsync()
    {
        if (!Engine.Options.PortMapping || _mappingAsked is { } asked && _clock.Elapsed - asked < TimeSpan.FromSeconds(1)) return null;
        _mappingAsked = _clock.Elapsed;
        PortMappingStatus m;
        try { m = await Engine.GetPortMappingAsync(); }
        catch (TorrentEngineException) { return null; }
        var line = m.Mapped
            ? $"port mapping: {m.ExternalAddress}:{m.TcpPort} (TCP) and :{m.UdpPort} (UDP) forwarded by {m.Gateway} ({m.Protocol})"
            : m.State is "asking the router" or "looking for the router" or "off" ? null : "port mapping: " + m.State;
        if (line is null || line == _mappingTold) return null;
        _mappingTold = line;
        return line;
    }

    /// <summary>The torrent's trackers (empty once it was removed).</summary>
    public async Task<IReadOnlyList<TrackerSnapshot>> TrackersAsync()
    {
        try { return await Torrent.GetTrackersAsync(); }
        catch (TorrentRemovedException) { return []; }
    }

    /// <summary>Stops the torrent (trackers told <c>stopped</c>, resume state written, files closed; bounded).</summary>
    public async Task StopAsync()
    {
        try { await Torrent.StopAsync(); }
        catch (TorrentRemovedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (Web is not null) await Web.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
