using System.Collections.Immutable;
using Engine.Cluster.Api;
using Engine.Core.Primitives;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Cluster;

/// <summary>A cluster torrent's details, limits and file priorities: what the catalog says, which every holder applies.</summary>
public sealed partial class ClusterEffects
{
    private const string NoSuchTorrent = "no such torrent in the cluster";

    /// <summary>
    /// This node's replica's files, peers, trackers and pieces when it holds one, else the .torrent's files; either way
    /// with the catalog's limits and priorities (a holder applies them a reconcile later, so its engine may still lag).
    /// </summary>
    private async Task<Msg> DetailsAsync(string hash, CancellationToken ct)
    {
        if (!InfoHash.TryFromHex(hash, out var h) || await FindAsync(node, h, ct).ConfigureAwait(false) is not { } torrent)
            return new Msg.DetailsLoadFailed(hash, NoSuchTorrent);
        var details = local.Find(hash) is { } handle
            ? await local.DetailsAsync(handle).ConfigureAwait(false)
            : new TorrentDetails(hash, EngineViews.List(torrent.Files, EngineViews.File), [], [], PieceMapView.Empty);
        var priorities = torrent.FilePriorities;
        return new Msg.DetailsLoaded(details with
        {
            UploadLimit = torrent.UploadLimit,
            DownloadLimit = torrent.DownloadLimit,
            Files = details.Files.Select(f => f with
            {
                Priority = EngineViews.PriorityName(f.Index < priorities.Count ? priorities[f.Index] : Engine.Api.FilePriority.Normal),
            }).ToImmutableList(),
        });
    }

    private async Task<Msg> SetLimitsAsync(Cmd.SetTorrentLimits l, CancellationToken ct)
    {
        if (l.UploadLimit is <= 0 || l.DownloadLimit is <= 0)
            return new Msg.ActionFailed(l.Hash, TorrentAction.SetLimits, "a limit is above 0 (empty for none)");
        var known = InfoHash.TryFromHex(l.Hash, out var h) && await node.SetLimitsAsync(h, l.UploadLimit, l.DownloadLimit, ct).ConfigureAwait(false);
        if (!known) return new Msg.ActionFailed(l.Hash, TorrentAction.SetLimits, NoSuchTorrent);
        await UntilListedAsync(h, t => t.UploadLimit == l.UploadLimit && t.DownloadLimit == l.DownloadLimit, ct).ConfigureAwait(false);
        return new Msg.ActionSucceeded(l.Hash, TorrentAction.SetLimits);
    }

    private async Task<Msg> SetFilePriorityAsync(Cmd.SetFilePriority f, CancellationToken ct)
    {
        if (EngineViews.ParsePriority(f.Priority) is not { } priority)
            return new Msg.ActionFailed(f.Hash, TorrentAction.SetFilePriority, $"priority '{f.Priority}' is not skip, low, normal or high");
        var known = InfoHash.TryFromHex(f.Hash, out var h) && await node.SetFilePriorityAsync(h, f.Index, priority, ct).ConfigureAwait(false);
        if (!known) return new Msg.ActionFailed(f.Hash, TorrentAction.SetFilePriority, NoSuchTorrent);
        await UntilListedAsync(h, t => (f.Index < t.FilePriorities.Count ? t.FilePriorities[f.Index] : Engine.Api.FilePriority.Normal) == priority, ct)
            .ConfigureAwait(false);
        return new Msg.ActionSucceeded(f.Hash, TorrentAction.SetFilePriority);
    }

    /// <summary>Waits (at most 2 s) until the node's catalog shows the change it just wrote, so the reload that follows shows it too.</summary>
    private async Task UntilListedAsync(InfoHash hash, Func<ClusterTorrent, bool> changed, CancellationToken ct)
    {
        for (var i = 0; i < 40; i++)
        {
            if (await FindAsync(node, hash, ct).ConfigureAwait(false) is not { } t || changed(t)) return;
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }

    private static async Task<ClusterTorrent?> FindAsync(TorrentCluster node, InfoHash hash, CancellationToken ct) =>
        (await node.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(t => t.InfoHash == hash);
}
