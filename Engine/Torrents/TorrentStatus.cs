using Engine.Core.Primitives;
using Engine.Events;

namespace Engine.Torrents;

/// <summary>A snapshot of one torrent, cheap to produce (the torrent actor caches its parts).</summary>
internal sealed record TorrentStatus(
    InfoHash InfoHash,
    string Name,
    TorrentState State,
    int PieceCount,
    int VerifiedPieces,
    long TotalBytes,
    long VerifiedBytes,
    double DownloadRate,
    double UploadRate,
    long Downloaded,
    long Uploaded,
    int Peers,
    int KnownPeers,
    int HashFailures,
    bool InEndgame,
    double CheckProgress,
    string? Error,
    StartupReport? Startup = null)
{
    /// <summary>Verified fraction, 0..1.</summary>
    public double Progress => TotalBytes == 0 ? 1 : (double)VerifiedBytes / TotalBytes;

    /// <summary>Every wanted piece is verified (files skipped, their pieces may be missing).</summary>
    public bool Complete { get; init; }

    public bool IsComplete => Complete || VerifiedPieces == PieceCount;

    /// <summary>Estimated time to completion at the current rate, or null when unknown.</summary>
    public TimeSpan? Eta => IsComplete ? TimeSpan.Zero
        : DownloadRate < 1 ? null
        : TimeSpan.FromSeconds((TotalBytes - VerifiedBytes) / DownloadRate);
}

