using System.Net;

namespace Engine.Tests.Lab;

/// <summary>
/// A host of a <see cref="NetLab"/>: its network namespace and its address. Behind a NAT router, <see cref="PublicAddress"/>
/// is the router's (what the rest of the lab sees it come from); on the public network it is <see cref="Address"/>.
/// </summary>
public sealed record LabHost(string Name, string Namespace, IPAddress Address)
{
    public IPAddress PublicAddress { get; init; } = Address;

    public bool BehindNat => !PublicAddress.Equals(Address);
}
