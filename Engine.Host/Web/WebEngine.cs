using System.Collections.Immutable;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Host.Web.Ui;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Host.Web;

/// <summary>
/// The engine operations the web UI and the REST API share: list, look up by hex info-hash, add (with the default
/// save directory and an optional peer), pause, resume, remove, read details. The torrent list survives a restart through
/// the engine's own session (<c>TorrentEngineOptions.Session</c>), which the commands turn on.
/// </summary>
public sealed class WebEngine(TorrentEngine engine, WebOptions options, ILogger<WebEngine>? log = null)
{
    private readonly ILogger _log = log ?? NullLogger<WebEngine>.Instance;

    public TorrentEngine Engine => engine;

    public WebOptions Options => options;

    private string _defaultSave = Path.GetFullPath(options.DataDirectory);

    /// <summary>Where torrents are saved when no directory is given, and what relative ones are taken under (changed in the settings).</summary>
    public string DefaultSaveDirectory => _defaultSave;

    /// <summary>The engine-wide settings the page shows.</summary>
    public EngineSettings Settings()
    {
        var (up, down) = engine.Limits;
        return new EngineSettings(up, down, _defaultSave, engine.ListenEndPoint?.ToString(), Switches(engine.Options));
    }

    /// <summary>The ways of finding peers, as the engine was started with them (changed by a restart: --no-dht, --no-pex, --no-lsd, --no-port-mapping); port mapping shows off on loopback, where it never runs.</summary>
    private static System.Collections.Immutable.ImmutableList<SettingSwitch> Switches(TorrentEngineOptions o) =>
    [
        new SettingSwitch("dht", "DHT (finding peers without a tracker)", o.Dht),
        new SettingSwitch("pex", "Peer exchange", o.Pex),
        new SettingSwitch("lsd", "Local peer discovery", o.Lsd),
        new SettingSwitch("encryption", $"Encrypted connections ({o.Encryption.ToString().ToLowerInvariant()})", o.Encryption != EncryptionMode.Disabled),
        new SettingSwitch("portMapping", "Port mapping (the router forwards the peer port: NAT-PMP, UPnP)", o.PortMapping && !(o.ListenOn is { } l && System.Net.IPAddress.IsLoopback(l.Address))),
    ];

    /// <summary>Changes the engine's limits (at once, every torrent) and the default save directory (created if missing).</summary>
    public EngineSettings SaveSettings(long? upload, long? download, string defaultSaveDirectory)
    {
        var save = Path.GetFullPath(defaultSaveDirectory.Trim(), _defaultSave);
        System.IO.Directory.CreateDirectory(save);
        engine.SetLimits(upload, download);
        _defaultSave = save;
        return Settings();
    }

    /// <summary>The torrent with this 40-digit hex info-hash (any case), or null.</summary>
    public TorrentHandle? Find(string hash) =>
        InfoHash.TryFromHex(hash, out var infoHash) && engine.Find(infoHash) is { IsRemoved: false } handle ? handle : null;

    /// <summary>Every torrent's status, in the order they were added (a torrent removed meanwhile is left out).</summary>
    public async Task<ImmutableList<TorrentRow>> ListAsync()
    {
        var handles = engine.Torrents;
        var rows = await Task.WhenAll(handles.Select(TryStatusAsync)).ConfigureAwait(false);
        var list = ImmutableList.CreateBuilder<TorrentRow>();
        foreach (var row in rows)
            if (row is not null) list.Add(row);
        return list.ToImmutable();
    }

    private static async Task<TorrentRow?> TryStatusAsync(TorrentHandle handle)
    {
        try
        {
            return EngineViews.Row(await handle.GetStatusAsync().ConfigureAwait(false));
        }
        catch (TorrentRemovedException)
        {
            return null;
        }
    }

    public async Task<TorrentDetails> DetailsAsync(TorrentHandle handle)
    {
        var status = handle.GetStatusAsync();
        var peers = handle.GetPeersAsync();
        var trackers = handle.GetTrackersAsync();
        var pieces = handle.GetPieceMapAsync();
        await Task.WhenAll(status, peers, trackers, pieces).ConfigureAwait(false);
        return new TorrentDetails(
            handle.InfoHash.ToHex(),
            EngineViews.List((await status).Files, EngineViews.File),
            EngineViews.List(await peers, EngineViews.Peer),
            EngineViews.List(await trackers, EngineViews.Tracker),
            EngineViews.Pieces(await pieces),
            handle.Options.UploadLimit,
            handle.Options.DownloadLimit);
    }

    /// <summary>A relative save directory is taken under the data directory.</summary>
    public string SaveDirectory(string? requested) =>
        string.IsNullOrWhiteSpace(requested) ? _defaultSave : Path.GetFullPath(requested.Trim(), _defaultSave);

    /// <summary>Adds the torrent and dials the request's peer; throws <see cref="TorrentEngineException"/> (or ArgumentException) with the reason.</summary>
    public async Task<TorrentHandle> AddAsync(AddRequest request, CancellationToken cancellationToken)
    {
        var save = SaveDirectory(request.SaveDirectory);
        var options = request.WebSeeds ? null : new TorrentOptions { WebSeeds = false };
        var handle = request.PathOrMagnet is { } text
            ? await engine.AddAsync(text, save, options, cancellationToken).ConfigureAwait(false)
            : await engine.AddAsync(request.TorrentFile.ToArray(), save, options, cancellationToken).ConfigureAwait(false);
        if (request.Peer is { } peer) handle.AddPeers([peer]);
        return handle;
    }

    // Pause, resume and remove are the handle's; an engine with a session (TorrentEngineOptions.Session) records them.
    public Task PauseAsync(TorrentHandle handle) => handle.PauseAsync();

    public Task ResumeAsync(TorrentHandle handle) => handle.ResumeAsync();

    public Task RemoveAsync(TorrentHandle handle, bool deleteData) => handle.RemoveAsync(deleteData);

    /// <summary>
    /// Tells <paramref name="output"/> (a line each) what the engine's session brought back: <c>restored N torrent(s) from the
    /// last run</c> (only when some came back; <paramref name="own"/> torrents the command added itself are not counted) and
    /// one <c>warning: not restored: …</c> line per entry it could not use.
    /// </summary>
    public static void ReportRestored(TorrentEngine engine, Action<string> output, int own = 0)
    {
        var restored = engine.Torrents.Count - own;
        if (restored > 0) output($"restored {restored} torrent(s) from the last run");
        foreach (var problem in engine.SessionProblems) output($"warning: not restored: {problem}");
    }
}
