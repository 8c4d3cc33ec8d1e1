using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Core.PortMapping;

namespace Engine.PortMapping;

/// <summary>
/// The I/O of UPnP IGD for <see cref="PortMapper"/>, run off its thread: SSDP search on the LAN, the device
/// description over HTTP, SOAP calls to the WAN connection service. Every step has a timeout and a size cap; what
/// goes wrong is a <see cref="UpnpException"/> whose message is the status line's reason.
/// </summary>
internal sealed partial class UpnpClient : IDisposable
{
    public static readonly TimeSpan SearchTime = TimeSpan.FromSeconds(3);
    private const int MaxLocations = 4;

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(3), AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(5),
        MaxResponseContentBufferSize = UpnpXml.MaxChars,
    };

    /// <summary>A gateway found: its WAN connection service, and our address as seen from it (the mapping's internal client).</summary>
    public sealed record Gateway(UpnpService Service, IPAddress InternalClient);

    /// <summary>
    /// Searches for an Internet gateway (multicast, and straight to <paramref name="router"/> when known) for
    /// <see cref="SearchTime"/>, and reads the descriptions of the first answers until one has a WAN connection service.
    /// </summary>
    public async Task<Gateway> DiscoverAsync(IPAddress localAddress, IPAddress? router, CancellationToken ct)
    {
        using var udp = new UdpClient(new IPEndPoint(localAddress, 0));
        var tried = new HashSet<Uri>();
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        window.CancelAfter(SearchTime);
        var resend = DateTime.UtcNow;
        try
        {
            while (true)
            {
                if (DateTime.UtcNow >= resend)
                {
                    await SearchAsync(udp, router, window.Token).ConfigureAwait(false);
                    resend = DateTime.UtcNow + TimeSpan.FromSeconds(1);
                }
                using var once = CancellationTokenSource.CreateLinkedTokenSource(window.Token);
                once.CancelAfter(TimeSpan.FromSeconds(1));
                UdpReceiveResult answer;
                try { answer = await udp.ReceiveAsync(once.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!window.IsCancellationRequested) { continue; }
                catch (SocketException) { continue; }
                if (Ssdp.TryParseLocation(answer.Buffer) is not { } location || tried.Count >= MaxLocations || !tried.Add(location)) continue;
                var service = await DescribeAsync(location, window.Token).ConfigureAwait(false);
                if (service is not null) return new Gateway(service, InternalClientFor(localAddress, service.ControlUrl));
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new UpnpException(tried.Count == 0 ? "no UPnP gateway answered" : "no UPnP gateway with a WAN connection service answered");
        }
    }

    /// <summary>Calls <paramref name="request"/> on the service: its answer (out-arguments or a UPnP error).</summary>
    public async Task<UpnpSoapResult> CallAsync(UpnpService service, UpnpSoapRequest request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, service.ControlUrl)
        {
            Content = new StringContent(request.Body, Encoding.UTF8, "text/xml"),
        };
        message.Headers.TryAddWithoutValidation("SOAPAction", request.SoapAction);
        string body;
        try
        {
            using var response = await _http.SendAsync(message, ct).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (body.Length > UpnpXml.MaxChars) throw new UpnpException($"{request.Action}: the answer is too large");
        }
        catch (HttpRequestException e) { throw new UpnpException($"{request.Action}: {e.Message}"); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { throw new UpnpException($"{request.Action}: the gateway did not answer"); }
        return UpnpSoap.TryParseResponse(body, request.Action) ?? throw new UpnpException($"{request.Action}: the gateway's answer is not UPnP");
    }

    public void Dispose() => _http.Dispose();

    private static async Task SearchAsync(UdpClient udp, IPAddress? router, CancellationToken ct)
    {
        foreach (var target in Ssdp.SearchTargets)
        {
            var search = Ssdp.SearchRequest(target);
            try
            {
                await udp.SendAsync(search, Ssdp.MulticastEndPoint, ct).ConfigureAwait(false);
                if (router is not null) await udp.SendAsync(search, new IPEndPoint(router, Ssdp.Port), ct).ConfigureAwait(false);
            }
            catch (SocketException) { } // no route for multicast: the unicast one may still go
        }
    }

    private async Task<UpnpService?> DescribeAsync(Uri location, CancellationToken ct)
    {
        try
        {
            var xml = await _http.GetStringAsync(location, ct).ConfigureAwait(false);
            return UpnpDescription.TryFindService(xml, location);
        }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return null; }
    }

    /// <summary>Our address on the way to the gateway (the listen address when it is a specific one).</summary>
    private static IPAddress InternalClientFor(IPAddress localAddress, Uri control)
    {
        if (!localAddress.Equals(IPAddress.Any)) return localAddress;
        if (!IPAddress.TryParse(control.Host, out var gateway)) throw new UpnpException($"the gateway's control URL names a host ({control.Host}), not an address");
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(gateway, control.Port); // a UDP "connect" sends nothing: it only picks the route
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }
}
