using System.Collections.Immutable;
using Engine.Api;
using Engine.Host.Web.Ui;
using Engine.Primitives;

namespace Engine.Host.Web;

/// <summary>
/// The engine operations the web UI and the REST API share: list, look up by hex info-hash, add (with the default
/// save directory and an optional peer), read details.
/// </summary>
public sealed class WebEngine(TorrentEngine engine, WebOptions options)
{
    public TorrentEngine Engine => engine;

    public WebOptions Options => options;

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
            EngineViews.Pieces(await pieces));
    }

    /// <summary>A relative save directory is taken under the data directory.</summary>
    public string SaveDirectory(string? requested) =>
        string.IsNullOrWhiteSpace(requested) ? Path.GetFullPath(options.DataDirectory) : Path.GetFullPath(requested.Trim(), Path.GetFullPath(options.DataDirectory));

    /// <summary>Adds the torrent and dials the request's peer; throws <see cref="TorrentEngineException"/> (or ArgumentException) with the reason.</summary>
    public async Task<TorrentHandle> AddAsync(AddRequest request, CancellationToken cancellationToken)
    {
        var save = SaveDirectory(request.SaveDirectory);
        var handle = request.PathOrMagnet is { } text
            ? await engine.AddAsync(text, save, null, cancellationToken).ConfigureAwait(false)
            : await engine.AddAsync(request.TorrentFile.ToArray(), save, null, cancellationToken).ConfigureAwait(false);
        if (request.Peer is { } peer) handle.AddPeers([peer]);
        return handle;
    }
}
