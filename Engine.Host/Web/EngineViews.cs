using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Engine.Api;
using Engine.Events;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web;

/// <summary>Maps the engine's snapshots and events onto the UI's (and REST API's) view records and messages.</summary>
public static class EngineViews
{
    public static TorrentRow Row(TorrentSnapshot s) => new(
        s.InfoHash.ToHex(), s.Name, s.State.ToString(), s.Progress, s.TotalBytes, s.VerifiedBytes, s.DownloadRate, s.UploadRate,
        s.Peers, s.Eta is { } eta ? Math.Round(eta.TotalSeconds) : null, s.SaveDirectory, s.Error);

    public static FileRow File(FileSnapshot f) => new(f.Path, f.Length, f.Progress) { Index = f.Index, Priority = PriorityName(f.Priority) };

    /// <summary>A priority's word in the API and the page: skip, low, normal, high.</summary>
    public static string PriorityName(FilePriority p) => p.ToString().ToLowerInvariant();

    /// <summary>The priority a word names (any case), or null.</summary>
    public static FilePriority? ParsePriority(string? name) =>
        Enum.TryParse<FilePriority>(name, ignoreCase: true, out var p) && Enum.IsDefined(p) && !int.TryParse(name, out _) ? p : null;

    public static PeerRow Peer(PeerSnapshot p) => new(
        p.Url ?? p.EndPoint.ToString(), p.Client ?? "", p.DownloadRate, p.UploadRate, p.AmChoking, p.AmInterested, p.PeerChoking, p.PeerInterested, p.Progress)
    {
        Source = Output.PeerOrigins.Name(p.Source),
        Encrypted = p.Encrypted,
    };

    public static TrackerRow Tracker(TrackerSnapshot t) => new(t.Url, t.Tier, t.Status, t.Peers, t.LastAnnounce, t.Error);

    public static PieceMapView Pieces(PieceMap map) =>
        new(map.PieceCount, map.VerifiedCount, ImmutableCollectionsMarshal.AsImmutableArray(map.Bitfield.ToArray()));

    public static ImmutableList<T> List<TSource, T>(IEnumerable<TSource> items, Func<TSource, T> map) =>
        ImmutableList.CreateRange(items.Select(map));

    /// <summary>The message an engine event becomes; null for events the UI does not show.</summary>
    public static Msg? Message(TorrentEvent e)
    {
        var hash = e.InfoHash.ToHex();
        return e switch
        {
            PieceVerified v => new Msg.PieceVerified(hash, v.Piece),
            Completed => new Msg.Completed(hash),
            Failed f => new Msg.Failed(hash, f.Reason),
            PeerConnected c => new Msg.PeerConnected(hash, c.EndPoint.ToString(), c.Client) { Source = Output.PeerOrigins.Name(c.Source) },
            PeerDropped d => new Msg.PeerDropped(hash, d.EndPoint.ToString()),
            StateChanged s => new Msg.StateChanged(hash, s.State.ToString()),
            MetadataReceived m => new Msg.MetadataReceived(hash, m.Name),
            _ => null,
        };
    }
}
