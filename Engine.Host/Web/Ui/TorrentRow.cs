namespace Engine.Host.Web.Ui;

/// <summary>One line of the torrent list (also the REST API's torrent summary).</summary>
/// <param name="Hash">Info-hash, 40 lowercase hex digits.</param>
/// <param name="State">The engine's state name: FetchingMetadata, Checking, Downloading, Seeding, Paused, Stopping, Stopped, Error.</param>
/// <param name="Progress">Verified fraction, 0..1.</param>
/// <param name="EtaSeconds">Seconds to completion at the current rate; 0 when complete, null when unknown.</param>
public sealed record TorrentRow(
    string Hash,
    string Name,
    string State,
    double Progress,
    long TotalBytes,
    long VerifiedBytes,
    double DownloadRate,
    double UploadRate,
    int Peers,
    double? EtaSeconds,
    string SaveDirectory,
    string? Error = null)
{
    public bool IsPaused => State is States.Paused or States.Stopped;

    /// <summary>The state names the engine reports (<c>Engine.Events.TorrentState</c>).</summary>
    public static class States
    {
        public const string FetchingMetadata = "FetchingMetadata";
        public const string Checking = "Checking";
        public const string Downloading = "Downloading";
        public const string Seeding = "Seeding";
        public const string Paused = "Paused";
        public const string Stopped = "Stopped";
        public const string Error = "Error";
    }
}
