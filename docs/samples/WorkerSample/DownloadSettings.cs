namespace WorkerSample;

/// <summary>The "Download" configuration section.</summary>
public sealed class DownloadSettings
{
    /// <summary>A .torrent file's path or a magnet link.</summary>
    public string? Source { get; set; }

    public string SaveDirectory { get; set; } = "downloads";

    /// <summary>Optional peers to dial, "host:port" separated by commas (besides trackers and a magnet's x.pe).</summary>
    public string? Peers { get; set; }

    /// <summary>Stop the service once the download is complete (otherwise it keeps seeding).</summary>
    public bool ExitWhenDone { get; set; } = true;
}
