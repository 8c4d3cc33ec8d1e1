namespace Engine.Core.Utp;

/// <summary>
/// Sizes and limits of a uTP connection. 1 400 payload bytes keep a packet, with its IP, UDP and uTP headers, inside a
/// 1 500-byte Ethernet MTU over IPv4 or IPv6 and through most tunnels; the buffers bound what one connection may hold
/// (its receive window and what a writer may queue); a connect gives up after <see cref="ConnectAttempts"/> SYNs
/// (1 s, then 2 s), an open connection after <see cref="MaxTimeouts"/> retransmission timeouts in a row or when nothing
/// has come from the peer for <see cref="IdleTimeoutMicros"/>. The congestion window never exceeds
/// <see cref="MaxWindow"/>, and at most <see cref="MaxBurst"/> packets leave between two datagrams from the peer: a
/// window opened at once goes out as the ACKs come back instead of all together, so it cannot overflow the receiver's
/// socket buffer (Linux's default is 208 KB, about 70 such datagrams: libtorrent keeps it). 46 packets are 64 KB, what
/// one segmented send carries (<c>Datagrams.SegmentSender</c>): a burst costs the kernel one pass, like TCP's 64 KB segments.
/// A connection that has lost nothing lets its bursts grow to <see cref="MaxGrownBurst"/> while it keeps using them up
/// before the peer answers (a peer whose socket takes them, as ours with its 4 MiB buffer); a loss sets them back to
/// <see cref="MaxBurst"/>, and they grow again only to three quarters of the size that met it.
/// </summary>
internal sealed record UtpSettings(int PacketPayload = 1400, int ReceiveBuffer = 1 << 20, int SendBuffer = 1 << 20,
    int ConnectAttempts = 2, int MaxTimeouts = 6, long IdleTimeoutMicros = 120_000_000, int MaxWindow = 1 << 20, int MaxBurst = 46,
    int MaxGrownBurst = 138)
{
    public static UtpSettings Default { get; } = new();
}
