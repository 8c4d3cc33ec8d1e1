using Engine.Core.Primitives;
using Engine.Events;

namespace Engine.Api;

/// <summary>A torrent's state at one moment (from <see cref="TorrentHandle.GetStatusAsync"/>).</summary>
/// <param name="Progress">Verified fraction of the data, 0..1.</param>
/// <param name="DownloadRate">Payload bytes per second received, all peers together.</param>
/// <param name="UploadRate">Payload bytes per second sent.</param>
/// <param name="Downloaded">Payload bytes received since the torrent was added in this engine.</param>
/// <param name="Uploaded">Payload bytes sent since the torrent was added in this engine.</param>
/// <param name="Peers">Connected (handshaked) peers.</param>
/// <param name="KnownPeers">Addresses known from trackers and other sources.</param>
/// <param name="Eta">Time to completion at the current rate; zero when complete, null when unknown.</param>
/// <param name="CheckProgress">Progress of the start-up check of existing data, 0..1.</param>
/// <param name="Files">Per-file progress (empty until a magnet's metadata is known).</param>
public sealed record TorrentSnapshot(
    InfoHash InfoHash,
    string Name,
    TorrentState State,
    double Progress,
    long TotalBytes,
    long VerifiedBytes,
    int PieceCount,
    int VerifiedPieces,
    double DownloadRate,
    double UploadRate,
    long Downloaded,
    long Uploaded,
    int Peers,
    int KnownPeers,
    TimeSpan? Eta,
    double CheckProgress,
    int HashFailures,
    string? Error,
    string SaveDirectory,
    IReadOnlyList<FileSnapshot> Files)
{
    /// <summary>
    /// What the start-up check found: how many pieces were already verified, and whether a fast-resume record or a
    /// hash check said so. Null until the check has ended (and while a magnet's metadata is fetched).
    /// </summary>
    public StartupReport? Startup { get; init; }

    /// <summary>Every wanted file is verified (with files skipped, pieces only they touch stay missing).</summary>
    public bool IsComplete => PieceCount > 0 && (VerifiedPieces == PieceCount || WantedComplete);

    internal bool WantedComplete { get; init; }
}
