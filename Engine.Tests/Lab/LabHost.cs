using System.Net;

namespace Engine.Tests.Lab;

/// <summary>
/// A host of a <see cref="NetLab"/>: its network namespace and its address. Behind a NAT router, <see cref="PublicAddress"/>
/// is the router's (what the rest of the lab sees it come from); on the public network it is <see cref="Address"/>.
/// </summary>
public sealed record LabHost(string Name, string Namespace, IPAddress Address)
{
    /// <summary>The host's IPv6 address on the public network (fd77::x); null behind NAT (the lab's NAT is IPv4).</summary>
    public IPAddress? Address6 { get; init; }

    public IPAddress PublicAddress { get; init; } = Address;

    /// <summary>The NAT router's namespace, for a host behind NAT that has one running miniupnpd; null otherwise.</summary>
    public string? Router { get; init; }

    public bool BehindNat => !PublicAddress.Equals(Address);
}
