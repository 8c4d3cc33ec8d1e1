using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Host.Web;
using Engine.Metainfo;

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

    /// <summary>Reads a .torrent file; a bad one is a one-line error, before anything starts.</summary>
    public static TorrentMetainfo Load(string path)
    {
        try { return TorrentMetainfo.Load(path); }
        catch (MetainfoException e) { throw new CommandLineException($"{path}: {e.Message}"); }
        catch (IOException e) { throw new CommandLineException($"{path}: {e.Message}"); }
    }

    /// <summary>
    /// Starts the engine (state in <paramref name="stateDirectory"/>) and, when asked for, the web UI (printing
    /// <c>web ui: &lt;address&gt;</c>; torrents added in it are saved under <paramref name="saveDirectory"/> by default),
    /// then adds <paramref name="torrent"/>. With the web UI, the torrents added in it are remembered in
    /// <c>&lt;saveDirectory&gt;/.session</c> (as the <c>web</c> command remembers them under its data directory) and added
    /// again, after the command's own torrent, when a command with the web UI next runs over the same directory.
    /// </summary>
    public static async Task<TorrentSession> StartAsync(SessionArguments options, TorrentMetainfo torrent, string saveDirectory,
        string stateDirectory, TextWriter output)
    {
        TorrentEngine engine;
        try { engine = TorrentEngine.Create(options.EngineOptions(stateDirectory)); }
        catch (TorrentEngineException e) { throw new CommandLineException(e.Message); }
        WebServer? web = null;
        try
        {
            if (options.WebPort is { } port)
            {
                var webOptions = new WebOptions(options.WebAddress, port, Path.GetFullPath(saveDirectory))
                {
                    SessionDirectory = Path.Combine(Path.GetFullPath(saveDirectory), WebSession.DirectoryName),
                };
                try { web = await WebServer.StartAsync(engine, webOptions); }
                catch (IOException e) { throw new CommandLineException($"--web: cannot listen on {options.WebAddress}:{port}: {e.Message}"); }
                output.WriteLine($"web ui: {web.Address}");
            }
            TorrentHandle handle;
            try { handle = await engine.AddAsync(torrent, saveDirectory); }
            catch (TorrentEngineException e) { throw new CommandLineException(e.Message); }
            // After the command's torrent: a remembered copy of it (removed, then added again in the page) is a duplicate, skipped.
            if (web is not null) await web.Services.GetRequiredService<WebEngine>().RestoreAndReportAsync(output);
            return new TorrentSession(engine, web, handle);
        }
        catch
        {
            if (web is not null) await web.DisposeAsync();
            await engine.DisposeAsync();
            throw;
        }
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
