using Engine.Api;
using Engine.Events;

namespace Engine.Host.Output;

/// <summary>
/// Why a torrent that should be downloading is not: no peers known (and what the trackers said), peers known but
/// none connected, or connected peers that send nothing. Null while data flows or when nothing is wrong yet.
/// </summary>
public static class StallReason
{
    /// <summary>How long without data before a download counts as stalled.</summary>
    public static readonly TimeSpan After = TimeSpan.FromSeconds(10);

    public static string? Of(TorrentSnapshot s, IReadOnlyList<TrackerSnapshot> trackers, TimeSpan sinceData)
    {
        if (s.State is not (TorrentState.Downloading or TorrentState.FetchingMetadata) || s.IsComplete) return null;
        if (s.DownloadRate > 0 || sinceData < After) return null;
        var trackerNote = Trackers(trackers);
        if (s.Peers == 0 && s.KnownPeers == 0)
            return "no peers known" + (trackerNote is null ? "" : "; " + trackerNote);
        if (s.Peers == 0)
            return $"{s.KnownPeers} peers known, none connected" + (trackerNote is null ? "" : "; " + trackerNote);
        return $"{s.Peers} peers connected, none sending";
    }

    /// <summary>What the trackers say: the first error, "no trackers", or null when they answer.</summary>
    public static string? Trackers(IReadOnlyList<TrackerSnapshot> trackers)
    {
        if (trackers.Count == 0) return "no trackers (give peers with --peer)";
        var failing = trackers.Where(t => t.Error is not null).ToList();
        if (failing.Count == 0) return trackers.All(t => t.Status is "waiting" or "idle") ? "waiting for the trackers" : null;
        var first = failing[0];
        var host = Uri.TryCreate(first.Url, UriKind.Absolute, out var uri) ? uri.Authority : first.Url;
        return failing.Count == trackers.Count && trackers.Count > 1
            ? $"all {trackers.Count} trackers failing (tracker {host}: {first.Error})"
            : $"tracker {host}: {first.Error}";
    }
}
