using System.Net;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Events;

/// <summary>
/// Something that happened to a torrent, from <see cref="TorrentHandle.Events"/> or
/// <see cref="TorrentHandle.AsObservable"/>. A new stream starts with a <see cref="StateChanged"/> carrying the
/// current state, followed by the torrent's <see cref="Completed"/> (or <see cref="Failed"/>) event when it has
/// already completed (or is failed); after that events arrive in the order they happened.
/// </summary>
public abstract record TorrentEvent(InfoHash InfoHash, DateTimeOffset At);

/// <summary>A piece passed its hash check and was added to the verified set.</summary>
public sealed record PieceVerified(InfoHash InfoHash, DateTimeOffset At, int Piece) : TorrentEvent(InfoHash, At);

/// <summary>Every piece is verified (also told when the data was already complete when the torrent started).</summary>
public sealed record Completed(InfoHash InfoHash, DateTimeOffset At) : TorrentEvent(InfoHash, At);

/// <summary>The torrent failed (e.g. the disk is full, or a magnet's metadata could not be fetched).</summary>
public sealed record Failed(InfoHash InfoHash, DateTimeOffset At, string Reason) : TorrentEvent(InfoHash, At);

/// <summary>
/// A peer completed its handshake. <paramref name="Client"/> is decoded from its peer id when known;
/// <paramref name="Direction"/> says who opened the connection (an incoming peer's port is ephemeral).
/// </summary>
public sealed record PeerConnected(InfoHash InfoHash, DateTimeOffset At, IPEndPoint EndPoint, string? Client, PeerDirection Direction) : TorrentEvent(InfoHash, At)
{
    /// <summary>How we came to know the peer (<see cref="PeerSource.Incoming"/> when it dialled us).</summary>
    public PeerSource Source { get; init; }
}

/// <summary>
/// How much of the torrent is verified, told at most once a second while it changes (and once at 100 %): for a
/// progress bar without counting <see cref="PieceVerified"/> events. <paramref name="Fraction"/> is 0..1.
/// </summary>
public sealed record Progress(InfoHash InfoHash, DateTimeOffset At, double Fraction, long VerifiedBytes, long TotalBytes, int VerifiedPieces, int PieceCount)
    : TorrentEvent(InfoHash, At);

/// <summary>A connected peer's connection ended.</summary>
public sealed record PeerDropped(InfoHash InfoHash, DateTimeOffset At, IPEndPoint EndPoint, string Reason) : TorrentEvent(InfoHash, At);

/// <summary>The torrent entered <paramref name="State"/>.</summary>
public sealed record StateChanged(InfoHash InfoHash, DateTimeOffset At, TorrentState State) : TorrentEvent(InfoHash, At);

/// <summary>A magnet link's metadata arrived and checked out: the torrent's name and files are known now.</summary>
public sealed record MetadataReceived(InfoHash InfoHash, DateTimeOffset At, TorrentMetainfo Metainfo) : TorrentEvent(InfoHash, At)
{
    /// <summary>The torrent's name (its metainfo's).</summary>
    public string Name => Metainfo.Name;
}
