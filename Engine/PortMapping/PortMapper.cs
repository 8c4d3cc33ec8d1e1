using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Core.PortMapping;

namespace Engine.PortMapping;

/// <summary>
/// Asks the router to forward the listen port (TCP for peers, UDP for the DHT) with NAT-PMP (RFC 6886) and UPnP IGD
/// at once, as libtorrent does. NAT-PMP: the default gateway from /proc/net/route, its external address, both mappings
/// for <see cref="Lifetime"/>, renewed at half of what the router granted, retried 4 times (250 ms doubling) when it
/// does not answer. UPnP (<c>PortMapper.Upnp.cs</c>): an SSDP search, the gateway's description, AddPortMapping for
/// <see cref="UpnpLease"/>, renewed at half; used only when NAT-PMP has not mapped by then. Both are removed at
/// <see cref="Unmap"/> (the engine's stop) or, best effort, when the actor stops. The result is <see cref="Status"/>;
/// a router with neither leaves the engine as it was, with one log line.
/// </summary>
internal sealed partial class PortMapper : UntypedActor, IWithTimers
{
    public sealed record GetStatus;

    /// <summary>Removes the mappings now; answered with <see cref="Unmapped"/> once the router was told (bounded by the HTTP timeouts).</summary>
    public sealed record Unmap;

    public sealed record Unmapped;

    /// <param name="State">"looking for the router", "asking the router", "mapped", or why not ("no default gateway; no UPnP gateway answered", …).</param>
    /// <param name="Protocol">"NAT-PMP" or "UPnP": which one mapped.</param>
    public sealed record Status(IPAddress? Gateway, IPAddress? ExternalAddress, int? TcpPort, int? UdpPort, string State, string? Protocol = null);

    private sealed record GatewayFound(IPAddress? Address);
    private sealed record Reply(byte[] Packet);
    private sealed class Retry { public static readonly Retry Instance = new(); }
    private sealed class Renew { public static readonly Renew Instance = new(); }

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);
    private const int MaxAttempts = 4;

    private readonly int _port;
    private readonly IPAddress _listenAddress;
    private readonly PublicPort _publicPort;
    private readonly IPAddress? _gatewayOverride;
    private readonly CancellationTokenSource _cts = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Socket? _socket;
    private IPAddress? _gateway, _external;
    private int? _tcp, _udp;
    private bool _tcpDue = true, _udpDue = true;
    private int _attempt;
    private string _natPmpState = "looking for the router";
    private Func<object, bool> _behaviour;

    public PortMapper(int port, IPAddress listenAddress, PublicPort publicPort, IPAddress? gateway = null)
    {
        _port = port;
        _listenAddress = listenAddress;
        _publicPort = publicPort;
        _gatewayOverride = gateway;
        _behaviour = Mapping;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void OnReceive(object message)
    {
        if (!_behaviour(message)) Unhandled(message);
    }

    private bool Mapping(object message)
    {
        switch (message)
        {
            case GatewayFound m: Start(m.Address); return true;
            case Reply m: OnReply(m.Packet); return true;
            case Retry: Ask(); return true;
            case Renew:
                (_tcpDue, _udpDue, _attempt) = (true, true, 0);
                Ask();
                return true;
            case GetStatus: Sender.Tell(Current()); return true;
            case Unmap: OnUnmap(); return true;
            default:
                return UpnpResults(message);
        }
    }

    /// <summary>After <see cref="Unmap"/>: only status and Unmap are answered.</summary>
    private bool Removed(object message)
    {
        switch (message)
        {
            case GetStatus: Sender.Tell(Current()); return true;
            case Unmap: Sender.Tell(new Unmapped()); return true;
            default: return false;
        }
    }

    public static Props Props(int port, IPAddress listenAddress, PublicPort publicPort, IPAddress? gateway = null) =>
        ActorProps.Of(() => new PortMapper(port, listenAddress, publicPort, gateway));

    protected override void PreStart()
    {
        var fixedGateway = _gatewayOverride;
        Task.Run(() => fixedGateway ?? (File.Exists("/proc/net/route") ? DefaultGateway.Parse(File.ReadAllText("/proc/net/route")) : null))
            .PipeTo(Self, success: g => new GatewayFound(g), failure: _ => new GatewayFound(null));
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        UnmapNatPmp(); // best effort: the engine is stopping (its stop sent Unmap first, when it could)
        _socket?.Dispose();
        StopUpnp();
    }

    /// <summary>What the status says: the NAT-PMP mapping, else the UPnP one, else whether either is still at it and why not.</summary>
    private Status Current()
    {
        if (_natPmpState == "mapped") return new Status(_gateway, _external, _tcp, _udp, "mapped", "NAT-PMP");
        if (_upnpMapping is { } u) return new Status(_gateway, u.ExternalAddress ?? _external, u.TcpPort, u.UdpPort, "mapped", "UPnP");
        if (_natPmpState is "looking for the router" or "asking the router" || _upnpState is "looking for a UPnP gateway" or "asking the UPnP gateway")
            return new Status(_gateway, _external, null, null, "asking the router");
        return new Status(_gateway, _external, null, null, $"{_natPmpState}; {_upnpState}");
    }

    /// <summary>Tells trackers the external TCP port of the mapping the status reports (none: the listen port).</summary>
    private void Publish()
    {
        if (_publicPort.Set(Current() is { State: "mapped" } s ? s.TcpPort : null)) Context.System.EventStream.Publish(new PublicPort.Changed());
    }

    /// <summary>
    /// Removes both protocols' mappings, including any whose request is still unanswered, and from then on only answers
    /// status and Unmap: whatever is still in flight is cancelled and late answers are dropped, so nothing maps again.
    /// </summary>
    private void OnUnmap()
    {
        Timers.CancelAll();
        _cts.Cancel();
        UnmapNatPmp();
        var sender = Sender;
        var removing = UnmapUpnp();
        Publish();
        removing.PipeTo(sender, success: () => new Unmapped(), failure: _ => new Unmapped());
        _behaviour = Removed;
    }

    /// <summary>Tells the router to delete our NAT-PMP mappings (lifetime 0), asked for or granted; deleting what is not there is harmless.</summary>
    private void UnmapNatPmp()
    {
        if (_socket is null || _natPmpState == "removed") return;
        try
        {
            _socket.Send(NatPmp.MapRequest(tcp: true, _port, 0, TimeSpan.Zero));
            _socket.Send(NatPmp.MapRequest(tcp: false, _port, 0, TimeSpan.Zero));
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        (_tcp, _udp, _natPmpState) = (null, null, "removed");
    }

    private void Start(IPAddress? gateway)
    {
        StartUpnp(gateway);
        if (gateway is null)
        {
            _natPmpState = "no default gateway";
            return;
        }
        _gateway = gateway;
        try
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _socket.Connect(new IPEndPoint(gateway, NatPmp.Port));
        }
        catch (SocketException e)
        {
            _natPmpState = "cannot reach the router: " + e.Message;
            return;
        }
        var socket = _socket;
        var self = Self;
        var ct = _cts.Token;
        _ = Task.Run(async () =>
        {
            var buffer = new byte[64];
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                    self.Tell(new Reply(buffer.AsSpan(0, n).ToArray()));
                }
                catch (SocketException) { await Task.Delay(100, CancellationToken.None).ConfigureAwait(false); } // ICMP port unreachable: no NAT-PMP there
                catch (Exception) { return; } // cancelled or disposed: stopping
            }
        });
        _natPmpState = "asking the router";
        Ask();
    }

    /// <summary>Sends what is still unanswered and, unless every try is spent, checks again later.</summary>
    private void Ask()
    {
        if (_socket is null) return;
        if (_attempt++ >= MaxAttempts)
        {
            if (_tcp is null && _udp is null) _natPmpState = $"the router ({_gateway}) does not answer NAT-PMP";
            _log.Info("port mapping: {0}", _natPmpState);
            return;
        }
        try
        {
            if (_external is null) _socket.Send(NatPmp.ExternalAddressRequest());
            if (_tcpDue) _socket.Send(NatPmp.MapRequest(tcp: true, _port, _tcp ?? _port, Lifetime));
            if (_udpDue) _socket.Send(NatPmp.MapRequest(tcp: false, _port, _udp ?? _port, Lifetime));
        }
        catch (SocketException e) { _natPmpState = $"the router ({_gateway}) does not answer NAT-PMP ({e.Message.ToLowerInvariant()})"; }
        Timers.StartSingleTimer("retry", Retry.Instance, TimeSpan.FromMilliseconds(250 << _attempt));
    }

    private void OnReply(byte[] packet)
    {
        switch (NatPmp.TryDecode(packet))
        {
            case NatPmpResponse { Result: not 0 } failed:
                _natPmpState = "the router refused NAT-PMP: " + NatPmp.Describe(failed.Result);
                break;
            case NatPmpResponse.ExternalAddress a:
                _external = a.Address;
                break;
            case NatPmpResponse.Mapping { InternalPort: var port } m when port == _port:
                if (m.Tcp) (_tcp, _tcpDue) = (m.ExternalPort, false);
                else (_udp, _udpDue) = (m.ExternalPort, false);
                if (!_tcpDue && !_udpDue)
                {
                    Timers.Cancel("retry");
                    _natPmpState = "mapped";
                    Publish();
                    _log.Info("port mapping: {0} TCP {1}, UDP {2} → {3} (NAT-PMP)", _external, _tcp, _udp, _port);
                    Timers.StartSingleTimer("renew", Renew.Instance, m.Lifetime > TimeSpan.FromSeconds(2) ? m.Lifetime / 2 : TimeSpan.FromSeconds(1));
                }
                break;
        }
    }
}
