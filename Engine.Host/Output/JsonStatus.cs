using Engine.Api;

namespace Engine.Host.Output;

/// <summary>One <c>--json</c> status line: a torrent's status in plain numbers (bytes, bytes/s, seconds).</summary>
public sealed record JsonStatus(
    string Type,
    string Name,
    string InfoHash,
    string State,
    double Progress,
    long Verified,
    long Total,
    long Downloaded,
    long Uploaded,
    double DownloadRate,
    double UploadRate,
    int Peers,
    int KnownPeers,
    double? EtaSeconds,
    string? Stalled,
    string? Error)
{
    /// <summary>In the summary object: completed, interrupted, failed or stopped.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Result { get; init; }

    public static JsonStatus Of(TorrentSnapshot s, string? stalled, string type = "status") => new(
        type, s.Name, s.InfoHash.ToHex(), s.State.ToString(), Math.Round(s.Progress, 6), s.VerifiedBytes, s.TotalBytes, s.Downloaded, s.Uploaded,
        Math.Round(s.DownloadRate), Math.Round(s.UploadRate), s.Peers, s.KnownPeers, s.Eta is { } eta ? Math.Round(eta.TotalSeconds) : null, stalled, s.Error);
}
