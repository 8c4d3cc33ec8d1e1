using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;

namespace Engine.PortMapping;

/// <summary>The UPnP IGD half: discovery, the mappings and their renewal run on <see cref="UpnpClient"/> off the actor thread, results piped back.</summary>
internal sealed partial class PortMapper
{
    /// <summary>The lease asked for (a gateway that only grants permanent ones gets lease 0, removed at stop).</summary>
    public static readonly TimeSpan UpnpLease = TimeSpan.FromHours(1);

    private sealed record UpnpFound(UpnpClient.Gateway Gateway);
    private sealed record UpnpMapped(UpnpClient.Mapped Mapping);
    private sealed record UpnpFailed(string Reason);
    private sealed class UpnpMapNow { public static readonly UpnpMapNow Instance = new(); }

    /// <summary>How long a gateway found by UPnP waits for NAT-PMP, still asking, before UPnP maps (NAT-PMP answers within milliseconds on a LAN).</summary>
    private static readonly TimeSpan NatPmpGrace = TimeSpan.FromSeconds(1);

    private readonly UpnpClient _upnp = new();
    private UpnpClient.Gateway? _upnpGateway;
    private UpnpClient.Mapped? _upnpMapping;
    private bool _upnpAsked;
    private string _upnpState = "looking for a UPnP gateway";

    /// <summary>The UPnP results, matched after the NAT-PMP messages until <see cref="Unmap"/>.</summary>
    private bool UpnpResults(object message)
    {
        switch (message)
        {
            case UpnpFound m:
                _upnpGateway = m.Gateway;
                if (_natPmpState is "looking for the router" or "asking the router") Timers.StartSingleTimer("upnp", UpnpMapNow.Instance, NatPmpGrace);
                else MapUpnp();
                return true;
            case UpnpMapped m:
                if (_upnpGateway is null) return true; // removed meanwhile (the engine is stopping)
                var mapping = _upnpMapping = m.Mapping;
                _upnpState = "mapped";
                Publish();
                _log.Info("port mapping: {0} TCP {1}, UDP {2} → {3} (UPnP, {4})", mapping.ExternalAddress, mapping.TcpPort, mapping.UdpPort, _port, _upnpGateway.Service.ControlUrl);
                if (mapping.Problem is not null) _log.Info("port mapping: {0}", mapping.Problem);
                if (mapping.Lease > TimeSpan.Zero)
                    Timers.StartSingleTimer("upnp", UpnpMapNow.Instance, mapping.Lease > TimeSpan.FromSeconds(2) ? mapping.Lease / 2 : TimeSpan.FromSeconds(1));
                return true;
            case UpnpFailed m:
                _upnpState = m.Reason;
                _log.Info("port mapping: {0}", m.Reason);
                return true;
            case UpnpMapNow: MapUpnp(); return true;
            default: return false;
        }
    }

    private void StartUpnp(IPAddress? router)
    {
        var local = _listenAddress.AddressFamily == AddressFamily.InterNetwork ? _listenAddress : IPAddress.Any;
        _upnp.DiscoverAsync(local, router, _cts.Token).PipeTo(Self, success: g => new UpnpFound(g), failure: e => new UpnpFailed(Reason(e)));
    }

    /// <summary>Maps (or renews, asking for the same external ports) both protocols, unless NAT-PMP has mapped.</summary>
    private void MapUpnp()
    {
        if (_upnpGateway is not { } gateway) return;
        if (_natPmpState == "mapped")
        {
            _upnpState = "not needed (NAT-PMP mapped)";
            return;
        }
        if (_upnpMapping is null) _upnpState = "asking the UPnP gateway";
        _upnpAsked = true;
        _upnp.MapAsync(gateway, _port, _upnpMapping?.TcpPort ?? _port, _upnpMapping?.UdpPort ?? _port, UpnpLease, _cts.Token)
            .PipeTo(Self, success: m => new UpnpMapped(m), failure: e => new UpnpFailed(Reason(e)));
    }

    /// <summary>
    /// Deletes the UPnP mappings — granted, or asked for and unanswered (the ports asked for); the task ends when the
    /// gateway answered or the HTTP timeout passed.
    /// </summary>
    private Task UnmapUpnp()
    {
        if (_upnpGateway is not { } gateway || !_upnpAsked) return Task.CompletedTask;
        var (tcp, udp) = _upnpMapping is { } m ? (m.TcpPort, m.UdpPort) : (_port, _port);
        (_upnpGateway, _upnpMapping, _upnpAsked, _upnpState) = (null, null, false, "removed");
        return _upnp.DeleteAsync(gateway, tcp, udp, CancellationToken.None);
    }

    /// <summary>At the actor's stop: what is still mapped is deleted in the background (best effort), then the HTTP client goes.</summary>
    private void StopUpnp()
    {
        var upnp = _upnp;
        UnmapUpnp().ContinueWith(_ => upnp.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private static string Reason(Exception e) => e switch
    {
        AggregateException { InnerExceptions: [var inner] } => Reason(inner),
        UpnpException u => u.Message,
        OperationCanceledException => "UPnP: stopped",
        _ => "UPnP: " + e.Message,
    };
}
