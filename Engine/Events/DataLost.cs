using Engine.Core.Primitives;

namespace Engine.Events;

/// <summary>
/// Verified data is gone from the disk: a file of the torrent was found missing, truncated or changed by someone else
/// while we served it. Pieces <paramref name="FirstPiece"/> to <paramref name="LastPiece"/> (those of that file) are
/// no longer counted as verified nor served; each is checked again at once, and the ones whose data is still right come
/// back with <see cref="PieceVerified"/>. The others are downloaded again like any missing piece (a seeding torrent goes
/// back to downloading).
/// </summary>
public sealed record DataLost(InfoHash InfoHash, DateTimeOffset At, int FirstPiece, int LastPiece, string Reason) : TorrentEvent(InfoHash, At);
