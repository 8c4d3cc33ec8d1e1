using System.Buffers.Binary;

namespace Engine.Datagrams;

/// <summary>
/// An error the kernel queued for one of our datagrams (Linux <c>IP_RECVERR</c> / <c>IPV6_RECVERR</c>): the
/// <c>sock_extended_err</c> of a control message read with <c>MSG_ERRQUEUE</c>. Only destination-unreachable kinds
/// from ICMP or ICMPv6 count as <see cref="Unreachable"/>; "fragmentation needed" (ICMPv6 "packet too big") is
/// <see cref="PacketTooBigMtu"/>, and local errors are neither.
/// </summary>
internal readonly record struct IcmpError(int Errno, byte Origin, byte Type, byte Code, int Info = 0)
{
    private const int SolIp = 0, IpRecvErr = 11, SolIpv6 = 41, Ipv6RecvErr = 25;
    private const byte OriginIcmp = 2, OriginIcmp6 = 3;
    private const int CmsgHeader = 16; // struct cmsghdr { size_t len; int level; int type; } on 64-bit Linux
    private const int EAcces = 13, EMsgSize = 90, ENetUnreach = 101, EConnRefused = 111, EHostDown = 112, EHostUnreach = 113;

    /// <summary>The next hop's MTU when a router said our datagram was too big for it; null for any other error.</summary>
    public int? PacketTooBigMtu => Origin is OriginIcmp or OriginIcmp6 && Errno == EMsgSize && Info > 0 ? Info : null;

    /// <summary>What an unreachable error says, for logs and reasons ("port unreachable", …); null for any other error.</summary>
    public string? Unreachable => Origin is OriginIcmp or OriginIcmp6
        ? Errno switch
        {
            EConnRefused => "ICMP port unreachable",
            EHostUnreach or EHostDown => "ICMP host unreachable",
            ENetUnreach => "ICMP network unreachable",
            EAcces => "ICMP administratively prohibited",
            _ => null,
        }
        : null;

    /// <summary>Finds the extended error among <paramref name="control"/>'s messages (the bytes recvmsg filled in).</summary>
    public static bool TryRead(ReadOnlySpan<byte> control, out IcmpError error)
    {
        error = default;
        var offset = 0;
        while (offset + CmsgHeader <= control.Length)
        {
            var length = (long)BinaryPrimitives.ReadUInt64LittleEndian(control[offset..]);
            if (length < CmsgHeader || length > control.Length - offset) return false;
            var level = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 8)..]);
            var type = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 12)..]);
            if ((level == SolIp && type == IpRecvErr || level == SolIpv6 && type == Ipv6RecvErr) && length >= CmsgHeader + 16)
            {
                var e = control[(offset + CmsgHeader)..];
                error = new IcmpError(BinaryPrimitives.ReadInt32LittleEndian(e), e[4], e[5], e[6], BinaryPrimitives.ReadInt32LittleEndian(e[8..]));
                return true;
            }
            offset += (int)((length + 7) & ~7L);
        }
        return false;
    }
}
