using System.Net;
using Engine.Core.PortMapping;

namespace Engine.PortMapping;

/// <summary>The mappings themselves: the external address, TCP and UDP forwards of one port (with the fallbacks UPnP errors call for), their removal.</summary>
internal sealed partial class UpnpClient
{
    /// <summary>What a gateway forwards to us: its external address (when it tells), the external TCP and UDP ports (null: refused, <paramref name="Problem"/> says why) and the lease granted.</summary>
    public sealed record Mapped(IPAddress? ExternalAddress, int? TcpPort, int? UdpPort, TimeSpan Lease, string? Problem);

    /// <summary>
    /// Forwards <paramref name="internalPort"/> (TCP and UDP) from the external ports asked for, for <paramref name="lease"/>.
    /// Throws <see cref="UpnpException"/> when neither could be mapped.
    /// </summary>
    public async Task<Mapped> MapAsync(Gateway gateway, int internalPort, int tcpPort, int udpPort, TimeSpan lease, CancellationToken ct)
    {
        IPAddress? external = null;
        if (await CallAsync(gateway.Service, UpnpSoap.GetExternalIPAddress(gateway.Service.ServiceType), ct).ConfigureAwait(false) is UpnpSoapResult.Success s
            && s.Values.TryGetValue("NewExternalIPAddress", out var text) && IPAddress.TryParse(text, out var address))
            external = address;
        var tcp = await AddAsync(gateway, tcp: true, internalPort, new UpnpMappingAttempt(tcpPort, lease), ct).ConfigureAwait(false);
        var udp = await AddAsync(gateway, tcp: false, internalPort, new UpnpMappingAttempt(udpPort, lease), ct).ConfigureAwait(false);
        var problem = tcp.Problem ?? udp.Problem;
        if (tcp.Port is null && udp.Port is null) throw new UpnpException(problem ?? "the gateway refused");
        var granted = tcp.Port is null ? udp.Lease : udp.Port is null ? tcp.Lease : tcp.Lease < udp.Lease ? tcp.Lease : udp.Lease;
        return new Mapped(external, tcp.Port, udp.Port, granted, problem);
    }

    /// <summary>Removes the forwards of these external ports (null: none); a gateway that refuses or is gone is left alone.</summary>
    public async Task DeleteAsync(Gateway gateway, int? tcpPort, int? udpPort, CancellationToken ct)
    {
        foreach (var (port, tcp) in new[] { (tcpPort, true), (udpPort, false) })
        {
            if (port is not { } p) continue;
            try { await CallAsync(gateway.Service, UpnpSoap.DeletePortMapping(gateway.Service.ServiceType, p, tcp), ct).ConfigureAwait(false); }
            catch (UpnpException) { }
        }
    }

    private async Task<(int? Port, TimeSpan Lease, string? Problem)> AddAsync(Gateway gateway, bool tcp, int internalPort, UpnpMappingAttempt first, CancellationToken ct)
    {
        var attempt = first;
        while (true)
        {
            var request = UpnpSoap.AddPortMapping(gateway.Service.ServiceType, attempt.ExternalPort, tcp, internalPort, gateway.InternalClient, $"Engine {(tcp ? "TCP" : "UDP")} {internalPort}", attempt.Lease);
            var result = await CallAsync(gateway.Service, request, ct).ConfigureAwait(false);
            if (result is not UpnpSoapResult.Fault fault) return (attempt.ExternalPort, attempt.Lease, null);
            if (attempt.After(fault.Code, internalPort) is not { } next)
                return (null, attempt.Lease, $"the gateway refused {(tcp ? "TCP" : "UDP")} {attempt.ExternalPort}: {fault}");
            attempt = next;
        }
    }
}
