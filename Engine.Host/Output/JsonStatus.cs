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

    /// <summary>Connected peers by where they came from (tracker, dht, pex, lsd, incoming, manual), when known.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? PeerSources { get; init; }

    /// <summary>Nodes in the DHT's routing table; absent when the DHT is off.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? DhtNodes { get; init; }

    public static JsonStatus Of(TorrentSnapshot s, string? stalled, string type = "status", PeerOrigins? origins = null) => new(
        type, s.Name, s.InfoHash.ToHex(), s.State.ToString(), Math.Round(s.Progress, 6), s.VerifiedBytes, s.TotalBytes, s.Downloaded, s.Uploaded,
        Math.Round(s.DownloadRate), Math.Round(s.UploadRate), s.Peers, s.KnownPeers, s.Eta is { } eta ? Math.Round(eta.TotalSeconds) : null, stalled, s.Error)
    {
        PeerSources = origins?.Sources,
        DhtNodes = origins?.DhtNodes,
    };
}
