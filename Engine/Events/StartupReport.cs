namespace Engine.Events;

/// <summary>What the start-up check of a torrent found (see <see cref="TorrentSnapshot.Startup"/>).</summary>
/// <param name="VerifiedPieces">Pieces already verified when the check ended (before any download).</param>
/// <param name="Source">Where that knowledge came from: a fast-resume record, a hash check, or no data at all.</param>
public sealed record StartupReport(int VerifiedPieces, StartupSource Source);
