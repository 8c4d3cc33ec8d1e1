using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

/// <summary>A UDP tracker request (BEP 15) as a tracker reads it, or as a client describes it.</summary>
internal abstract record UdpRequest(int TransactionId);

/// <summary>Action 0: asks for a connection id. Carries the protocol id, which is checked when read.</summary>
internal sealed record UdpConnectRequest(int TransactionId) : UdpRequest(TransactionId);

/// <summary>Action 1. <see cref="AnnounceRequest.NumWant"/> is -1 for "the tracker's default";
/// <see cref="AnnounceRequest.Ip"/> is the dotted IPv4 address of the <c>ip</c> field, or null when it was 0.</summary>
internal sealed record UdpAnnounceRequest(long ConnectionId, int TransactionId, AnnounceRequest Announce) : UdpRequest(TransactionId);

/// <summary>Action 2: swarm counts for 1 to <see cref="UdpTrackerCodec.MaxScrapeHashes"/> torrents.</summary>
internal sealed record UdpScrapeRequest(long ConnectionId, int TransactionId, IReadOnlyList<InfoHash> InfoHashes) : UdpRequest(TransactionId);

/// <summary>
/// A request that is framed correctly (so its transaction id is known) but whose content is invalid,
/// e.g. an unknown event or a negative byte count. A tracker answers it with an error packet naming <see cref="Problem"/>.
/// </summary>
internal sealed record UdpInvalidRequest(int TransactionId, string Problem) : UdpRequest(TransactionId);
