namespace Engine.Limits;

/// <summary>Upload and download limits in bytes per second; 0 means unlimited.</summary>
internal readonly record struct RateLimits(long UploadBytesPerSecond, long DownloadBytesPerSecond)
{
    public static RateLimits Unlimited => default;

    /// <summary>Limits given in KiB/s, as the console host takes them.</summary>
    public static RateLimits FromKiB(long uploadKiB, long downloadKiB) => new(uploadKiB * 1024, downloadKiB * 1024);

    public override string ToString()
        => $"up {(UploadBytesPerSecond == 0 ? "unlimited" : UploadBytesPerSecond + " B/s")}, down {(DownloadBytesPerSecond == 0 ? "unlimited" : DownloadBytesPerSecond + " B/s")}";
}
