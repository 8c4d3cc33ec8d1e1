namespace Engine.Limits;

/// <summary>
/// The upload and download <see cref="TokenBucket"/>s of one scope: the whole engine or one torrent.
/// Each connection's <see cref="Throttle"/>s chain its torrent's buckets with the engine's, so both limits
/// hold at once. Limits may be changed at any time from any thread.
/// </summary>
internal sealed class BandwidthBuckets
{
    public BandwidthBuckets(RateLimits limits, TimeProvider? clock = null)
    {
        Clock = clock ?? TimeProvider.System;
        var now = Throttle.Now(Clock);
        Upload = new TokenBucket(limits.UploadBytesPerSecond, now);
        Download = new TokenBucket(limits.DownloadBytesPerSecond, now);
    }

    public TimeProvider Clock { get; }
    public TokenBucket Upload { get; }
    public TokenBucket Download { get; }

    public RateLimits Limits => new(Upload.Rate, Download.Rate);

    public void Set(RateLimits limits)
    {
        var now = Throttle.Now(Clock);
        Upload.Set(limits.UploadBytesPerSecond, now);
        Download.Set(limits.DownloadBytesPerSecond, now);
    }

    /// <summary>The upload throttle of a connection governed by these buckets and then <paramref name="outer"/>'s.</summary>
    public Throttle UploadThrottle(BandwidthBuckets? outer)
        => outer is null ? new Throttle(Clock, Upload) : new Throttle(Clock, Upload, outer.Upload);

    /// <summary>The download throttle of a connection governed by these buckets and then <paramref name="outer"/>'s.</summary>
    public Throttle DownloadThrottle(BandwidthBuckets? outer)
        => outer is null ? new Throttle(Clock, Download) : new Throttle(Clock, Download, outer.Download);
}
