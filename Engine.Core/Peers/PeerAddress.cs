using System.Net;

namespace Engine.Core.Peers;

/// <summary>
/// What an address says about the peer behind it. Bans and per-address limits apply to a peer's IP address (a peer
/// that is refused comes back from a new port), except on a <em>shared host</em> address — 127.0.0.1 and ::1, where
/// the local clients of one machine (and the tests) all live — where they apply to the address and port. Other
/// loopback addresses (127.0.0.2 …) count as hosts of their own, so per-IP behaviour can be tested on one machine.
/// </summary>
internal static class PeerAddress
{
    /// <summary>IPv4-mapped IPv6 addresses as the IPv4 address they are.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>An endpoint seen through a dual-stack socket (::ffff:a.b.c.d) as the IPv4 endpoint it is.</summary>
    public static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>127.0.0.1 or ::1 (also as an IPv4-mapped address).</summary>
    public static bool IsSharedHost(IPAddress address)
    {
        var a = Normalize(address);
        return a.Equals(IPAddress.Loopback) || a.Equals(IPAddress.IPv6Loopback);
    }

    /// <summary>
    /// Who a ban or a per-address limit applies to: the (normalised) IP address with port 0, or on a shared host the
    /// address and port.
    /// </summary>
    public static IPEndPoint Key(IPEndPoint endPoint)
    {
        var a = Normalize(endPoint.Address);
        return new IPEndPoint(a, IsSharedHost(a) ? endPoint.Port : 0);
    }
}
