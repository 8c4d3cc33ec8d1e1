using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Engine.Core.PortMapping;

namespace Engine.PortMapping;

/// <summary>
/// Asks the router to forward the listen port (TCP for peers, UDP for the DHT) with NAT-PMP (RFC 6886): the default
/// gateway from /proc/net/route, its external address, both mappings for <see cref="Lifetime"/>, renewed at half of what
/// the router granted, retried 4 times (250 ms doubling) when it does not answer, and deleted when the engine stops.
/// The result is <see cref="Status"/>; a router without NAT-PMP leaves the engine as it was, with one log line.
/// </summary>
internal sealed class PortMapper : ReceiveActor, IWithTimers
{
    public sealed record GetStatus;

    /// <param name="State">"asking the router", "mapped", or why not ("no default gateway", "the router does not answer NAT-PMP", …).</param>
    public sealed record Status(IPAddress? Gateway, IPAddress? ExternalAddress, int? TcpPort, int? UdpPort, string State);

    private sealed record GatewayFound(IPAddress? Address);
    private sealed record Reply(byte[] Packet);
    private sealed class Retry { public static readonly Retry Instance = new(); }
    private sealed class Renew { public static readonly Renew Instance = new(); }

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);
    private const int MaxAttempts = 4;

    private readonly int _port;
    private readonly IPAddress? _gatewayOverride;
    private readonly CancellationTokenSource _cts = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Socket? _socket;
    private IPAddress? _gateway, _external;
    private int? _tcp, _udp;
    private int _attempt;
    private string _state = "looking for the router";

    public PortMapper(int port, IPAddress? gateway = null)
    {
        _port = port;
        _gatewayOverride = gateway;
        Receive<GatewayFound>(m => Start(m.Address));
        Receive<Reply>(m => OnReply(m.Packet));
        Receive<Retry>(_ => Ask());
        Receive<Renew>(_ =>
        {
            (_tcp, _udp, _attempt) = (null, null, 0);
            Ask();
        });
        Receive<GetStatus>(_ => Sender.Tell(new Status(_gateway, _external, _tcp, _udp, _state)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(int port, IPAddress? gateway = null) => Akka.Actor.Props.Create(() => new PortMapper(port, gateway));

    protected override void PreStart()
    {
        var fixedGateway = _gatewayOverride;
        Task.Run(() => fixedGateway ?? (File.Exists("/proc/net/route") ? DefaultGateway.Parse(File.ReadAllText("/proc/net/route")) : null))
            .PipeTo(Self, success: g => new GatewayFound(g), failure: _ => new GatewayFound(null));
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        if (_socket is null) return;
        // Remove what we mapped (lifetime 0): best effort, the engine is stopping.
        try
        {
            if (_tcp is not null) _socket.Send(NatPmp.MapRequest(tcp: true, _port, 0, TimeSpan.Zero));
            if (_udp is not null) _socket.Send(NatPmp.MapRequest(tcp: false, _port, 0, TimeSpan.Zero));
        }
        catch (SocketException) { }
        _socket.Dispose();
    }

    private void Start(IPAddress? gateway)
    {
        if (gateway is null)
        {
            _state = "no default gateway";
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
            _state = "cannot reach the router: " + e.Message;
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
        _state = "asking the router";
        Ask();
    }

    /// <summary>Sends what is still unanswered and, unless every try is spent, checks again later.</summary>
    private void Ask()
    {
        if (_socket is null) return;
        if (_attempt++ >= MaxAttempts)
        {
            if (_tcp is null || _udp is null) _state = $"the router ({_gateway}) does not answer NAT-PMP";
            _log.Info("port mapping: {0}", _state);
            return;
        }
        try
        {
            if (_external is null) _socket.Send(NatPmp.ExternalAddressRequest());
            if (_tcp is null) _socket.Send(NatPmp.MapRequest(tcp: true, _port, _port, Lifetime));
            if (_udp is null) _socket.Send(NatPmp.MapRequest(tcp: false, _port, _port, Lifetime));
        }
        catch (SocketException e) { _state = "cannot reach the router: " + e.Message; }
        Timers.StartSingleTimer("retry", Retry.Instance, TimeSpan.FromMilliseconds(250 << _attempt));
    }

    private void OnReply(byte[] packet)
    {
        switch (NatPmp.TryDecode(packet))
        {
            case NatPmpResponse { Result: not 0 } failed:
                _state = "the router refused: " + NatPmp.Describe(failed.Result);
                break;
            case NatPmpResponse.ExternalAddress a:
                _external = a.Address;
                break;
            case NatPmpResponse.Mapping { InternalPort: var port } m when port == _port:
                if (m.Tcp) _tcp = m.ExternalPort;
                else _udp = m.ExternalPort;
                if (_tcp is not null && _udp is not null)
                {
                    Timers.Cancel("retry");
                    _state = "mapped";
                    _log.Info("port mapping: {0} TCP {1}, UDP {2} → {3} (NAT-PMP)", _external, _tcp, _udp, _port);
                    Timers.StartSingleTimer("renew", Renew.Instance, m.Lifetime > TimeSpan.FromSeconds(2) ? m.Lifetime / 2 : TimeSpan.FromSeconds(1));
                }
                break;
        }
    }
}
