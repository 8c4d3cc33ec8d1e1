using System.Net;

namespace Engine.Api;

/// <summary>The engine's port mapping (from <see cref="TorrentEngine.GetPortMappingAsync"/>).</summary>
/// <param name="Gateway">The router asked (the default gateway), once known.</param>
/// <param name="ExternalAddress">The router's external address, as it reports it.</param>
/// <param name="TcpPort">The external port forwarded to our listener (TCP), once mapped; <paramref name="UdpPort"/> the same for the DHT.</param>
/// <param name="State">"mapped", "asking the router", "off", or why not, NAT-PMP's reason then UPnP's ("the router (…) does not answer NAT-PMP; no UPnP gateway answered", …).</param>
public sealed record PortMappingStatus(IPAddress? Gateway, IPAddress? ExternalAddress, int? TcpPort, int? UdpPort, string State)
{
    public bool Mapped => TcpPort is not null;

    /// <summary>Which protocol mapped: "NAT-PMP" or "UPnP" (null until one did). NAT-PMP is used when both could.</summary>
    public string? Protocol { get; init; }
}
