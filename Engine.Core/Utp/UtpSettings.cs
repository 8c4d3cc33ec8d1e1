namespace Engine.Core.Utp;

/// <summary>
/// Sizes and limits of a uTP connection. 1 400 payload bytes keep a packet, with its IP, UDP and uTP headers, inside a
/// 1 500-byte Ethernet MTU over IPv4 or IPv6 and through most tunnels; the buffers bound what one connection may hold
/// (its receive window and what a writer may queue); a connect gives up after <see cref="ConnectAttempts"/> SYNs
/// (1 s, then 2 s), an open connection after <see cref="MaxTimeouts"/> retransmission timeouts in a row or when nothing
/// has come from the peer for <see cref="IdleTimeoutMicros"/>. The congestion window never exceeds
/// <see cref="MaxWindow"/>: 64 packets (90 KB) stay well below Linux's default UDP receive buffer (208 KB), so one
/// window sent at once cannot overflow the receiver's socket — libtorrent was seen to stop answering a connection
/// after a burst overflowed its socket and cost it a few hundred packets at once.
/// </summary>
internal sealed record UtpSettings(int PacketPayload = 1400, int ReceiveBuffer = 1 << 20, int SendBuffer = 1 << 20,
    int ConnectAttempts = 2, int MaxTimeouts = 6, long IdleTimeoutMicros = 120_000_000, int MaxWindow = 64 * 1400)
{
    public static UtpSettings Default { get; } = new();
}
