using System.Net;
using System.Runtime.CompilerServices;
using Engine.Api;
using Engine.Cluster.Api;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Host.Web.Runtime;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Cluster;

/// <summary>
/// The UI's commands on a cluster node: the list is the cluster's catalog, add, pause, resume, remove, a torrent's limits
/// and file priorities go through <see cref="TorrentCluster"/> (so they reach every replica's node); details are this
/// node's replica's with the catalog's limits and priorities (<c>.Details.cs</c>), settings this node's engine's.
/// </summary>
public sealed partial class ClusterEffects(TorrentCluster node, WebEngine local) : IUiEffects
{
    public async Task<Msg> RunAsync(Cmd cmd, CancellationToken cancellationToken)
    {
        try
        {
            return cmd switch
            {
                Cmd.LoadTorrents => new Msg.TorrentsLoaded([.. (await node.ListAsync(cancellationToken).ConfigureAwait(false)).Select(t => ClusterViews.Row(ClusterViews.Torrent(t)))]),
                Cmd.LoadCluster => new Msg.ClusterLoaded(await ClusterViews.ReadAsync(node, cancellationToken).ConfigureAwait(false)),
                Cmd.LoadDetails d => await DetailsAsync(d.Hash, cancellationToken).ConfigureAwait(false),
                Cmd.AddTorrent a => await AddAsync(a.Request, cancellationToken).ConfigureAwait(false),
                Cmd.Pause p => await SetPausedAsync(p.Hash, TorrentAction.Pause, cancellationToken).ConfigureAwait(false),
                Cmd.Resume r => await SetPausedAsync(r.Hash, TorrentAction.Resume, cancellationToken).ConfigureAwait(false),
                Cmd.Remove r => await RemoveAsync(r.Hash, cancellationToken).ConfigureAwait(false),
                Cmd.SetTorrentLimits l => await SetLimitsAsync(l, cancellationToken).ConfigureAwait(false),
                Cmd.SetFilePriority f => await SetFilePriorityAsync(f, cancellationToken).ConfigureAwait(false),
                Cmd.LoadSettings => new Msg.SettingsLoaded(local.Settings()),
                Cmd.SaveSettings s => new Msg.SettingsSaved(local.SaveSettings(s.UploadLimit, s.DownloadLimit, s.DefaultSaveDirectory)),
                _ => throw new ArgumentOutOfRangeException(nameof(cmd), cmd, "not a single command"),
            };
        }
        catch (Exception e) when (IsRefusal(e))
        {
            return cmd switch
            {
                Cmd.LoadTorrents => new Msg.TorrentsLoadFailed(e.Message),
                Cmd.LoadCluster => new Msg.ClusterLoadFailed(e.Message),
                Cmd.LoadDetails d => new Msg.DetailsLoadFailed(d.Hash, e.Message),
                Cmd.AddTorrent => new Msg.AddFailed(e.Message),
                Cmd.Pause p => new Msg.ActionFailed(p.Hash, TorrentAction.Pause, e.Message),
                Cmd.Resume r => new Msg.ActionFailed(r.Hash, TorrentAction.Resume, e.Message),
                Cmd.Remove r => new Msg.ActionFailed(r.Hash, TorrentAction.Remove, e.Message),
                Cmd.SetTorrentLimits l => new Msg.ActionFailed(l.Hash, TorrentAction.SetLimits, e.Message),
                Cmd.SetFilePriority f => new Msg.ActionFailed(f.Hash, TorrentAction.SetFilePriority, e.Message),
                _ => new Msg.SettingsFailed(e.Message),
            };
        }
    }

    /// <summary>What a request to the node or the engine may fail with: the node did not answer in time, or it refused.</summary>
    public static bool IsRefusal(Exception e) =>
        e is TimeoutException or Akka.Actor.AskTimeoutException or TorrentEngineException or MetainfoException or ArgumentException
            or IOException or UnauthorizedAccessException or InvalidOperationException or MagnetException;

    private async Task<Msg> AddAsync(AddRequest request, CancellationToken ct)
    {
        var hash = await AddToClusterAsync(node, request, null, ct).ConfigureAwait(false);
        return new Msg.TorrentAdded(hash.ToHex(), (await ListedAsync(node, hash, ct).ConfigureAwait(false))?.Name ?? hash.ToHex());
    }

    /// <summary>
    /// The torrent as the node lists it, once the catalog write it just made has come back to it (the node reads its
    /// catalog from the replicator's change notices: a moment after the write is acknowledged); null after 2 s.
    /// </summary>
    public static async Task<ClusterTorrent?> ListedAsync(TorrentCluster node, InfoHash hash, CancellationToken ct)
    {
        for (var i = 0; ; i++)
        {
            if ((await node.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(t => t.InfoHash == hash) is { } listed) return listed;
            if (i == 40) return null;
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Puts an add request's torrent in the cluster's catalog: the uploaded .torrent, the .torrent at a path on this node,
    /// or a magnet link (its metadata fetched by this node's engine first); the request's peer becomes a source.
    /// </summary>
    public static async Task<InfoHash> AddToClusterAsync(TorrentCluster node, AddRequest request, int? replicas, CancellationToken ct)
    {
        IPEndPoint[]? sources = request.Peer is { } peer ? [peer] : null;
        if (request.PathOrMagnet is not { } text) return await node.AddAsync(request.TorrentFile.ToArray(), replicas, sources, ct).ConfigureAwait(false);
        if (MagnetLink.IsMagnet(text)) return await node.AddMagnetAsync(text, replicas, sources, ct: ct).ConfigureAwait(false);
        return await node.AddAsync(await File.ReadAllBytesAsync(text, ct).ConfigureAwait(false), replicas, sources, ct).ConfigureAwait(false);
    }

    private async Task<Msg> SetPausedAsync(string hash, TorrentAction action, CancellationToken ct)
    {
        var known = InfoHash.TryFromHex(hash, out var h)
            && await (action == TorrentAction.Pause ? node.PauseAsync(h, ct) : node.ResumeAsync(h, ct)).ConfigureAwait(false);
        return known ? new Msg.ActionSucceeded(hash, action) : new Msg.ActionFailed(hash, action, "no such torrent in the cluster");
    }

    private async Task<Msg> RemoveAsync(string hash, CancellationToken ct)
    {
        if (!InfoHash.TryFromHex(hash, out var h)) return new Msg.ActionFailed(hash, TorrentAction.Remove, "no such torrent in the cluster");
        await node.RemoveAsync(h, ct).ConfigureAwait(false);
        return new Msg.TorrentRemoved(hash, DataDeleted: true); // taken out of the catalog: every replica's data is deleted
    }

    /// <summary>No event streams: the cluster's torrents change on other nodes; the 1 s poll shows them.</summary>
    public async IAsyncEnumerable<Msg> WatchAsync(string hash, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}
