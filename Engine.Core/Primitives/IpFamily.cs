using System.Net;

namespace Engine.Core.Primitives;

/// <summary>IPv4 or IPv6: what compact peer lists and UDP tracker packets distinguish (Engine.Core stays clear of System.Net.Sockets).</summary>
internal enum IpFamily
{
    V4,
    V6,
}

/// <summary>The <see cref="IpFamily"/> of an address.</summary>
internal static class IpFamilies
{
    private static readonly IPAddress V4Sample = IPAddress.Any;

    public static IpFamily Of(IPAddress address) => address.AddressFamily == V4Sample.AddressFamily ? IpFamily.V4 : IpFamily.V6;

    public static IpFamily Of(IPEndPoint endPoint) => Of(endPoint.Address);
}
