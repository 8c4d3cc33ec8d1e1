using System.Net;

namespace Engine.Core.PortMapping;

/// <summary>A NAT-PMP answer: <see cref="Result"/> 0 is success.</summary>
internal abstract record NatPmpResponse(int Result, uint Epoch)
{
    public sealed record ExternalAddress(int Result, uint Epoch, IPAddress Address) : NatPmpResponse(Result, Epoch);

    public sealed record Mapping(int Result, uint Epoch, bool Tcp, int InternalPort, int ExternalPort, TimeSpan Lifetime) : NatPmpResponse(Result, Epoch);
}
