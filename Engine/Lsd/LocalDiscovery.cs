using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Engine.Core.Lsd;
using Engine.Core.Primitives;

namespace Engine.Lsd;

/// <summary>
/// Local service discovery (BEP 14): peers on the same network found without any tracker. A UDP socket on the multicast
/// group's port (shared with other clients on the host) joins 239.192.152.143 on the interface we listen on (the default
/// one when we listen on all); each tracked torrent is announced at once and every <see cref="Interval"/>, one torrent per
/// datagram, with a cookie by which our own announces are recognised and ignored. An announce of a tracked torrent from
/// someone else goes to the torrent as <see cref="PeersFromLsd"/> (the sender's address, the port it names). Private
/// torrents are never tracked. A socket that cannot be had leaves LSD off, with one log line.
/// </summary>
internal sealed class LocalDiscovery : ReceiveActor, IWithTimers
{
    public sealed record Track(InfoHash InfoHash, int Port, IActorRef Subscriber);
    public sealed record Untrack(InfoHash InfoHash, IActorRef Subscriber);

    /// <summary>To a tracking torrent: a peer on the local network announced it.</summary>
    public sealed record PeersFromLsd(InfoHash InfoHash, IReadOnlyList<IPEndPoint> Peers);

    private sealed record Received(byte[] Packet, IPEndPoint From);
    private sealed class Tick { public static readonly Tick Instance = new(); }

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private readonly IPAddress _interface;
    private readonly int _groupPort;
    private readonly string _cookie = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4]);
    private readonly Dictionary<InfoHash, (int Port, HashSet<IActorRef> Subscribers, DateTimeOffset? Announced)> _tracked = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Socket? _socket;

    public LocalDiscovery(IPAddress listenAddress, int groupPort = LsdAnnounce.GroupPort)
    {
        _interface = listenAddress.AddressFamily == AddressFamily.InterNetwork ? listenAddress : IPAddress.Any;
        _groupPort = groupPort;
        Receive<Track>(m =>
        {
            if (!_tracked.TryGetValue(m.InfoHash, out var t)) _tracked[m.InfoHash] = t = (m.Port, [], null);
            if (t.Subscribers.Add(m.Subscriber)) Context.Watch(m.Subscriber);
            if (t.Announced is null) Announce(m.InfoHash);
        });
        Receive<Untrack>(m => Forget(m.InfoHash, m.Subscriber));
        Receive<Terminated>(m =>
        {
            foreach (var hash in _tracked.Where(t => t.Value.Subscribers.Contains(m.ActorRef)).Select(t => t.Key).ToList()) Forget(hash, m.ActorRef);
        });
        Receive<Received>(OnReceived);
        Receive<Tick>(_ =>
        {
            foreach (var (hash, t) in _tracked.ToList())
                if (t.Announced is not { } at || Context.System.Scheduler.Now - at >= Interval) Announce(hash);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IPAddress listenAddress, int groupPort = LsdAnnounce.GroupPort)
        => Akka.Actor.Props.Create(() => new LocalDiscovery(listenAddress, groupPort));

    protected override void PreStart()
    {
        try
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(new IPEndPoint(IPAddress.Any, _groupPort));
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse(LsdAnnounce.V4Group), _interface));
            if (!_interface.Equals(IPAddress.Any)) _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, _interface.GetAddressBytes());
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 2); // beyond one router hop at most (BEP 14's note)
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true); // other clients on this host
        }
        catch (SocketException e)
        {
            _log.Info("local service discovery is off: {0}", e.Message);
            _socket?.Dispose();
            _socket = null;
            return;
        }
        var self = Self;
        var socket = _socket;
        _ = Task.Run(() => ReceiveLoop(socket, self, _cts.Token));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromSeconds(10));
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        _socket?.Dispose();
    }

    private void Forget(InfoHash hash, IActorRef subscriber)
    {
        if (!_tracked.TryGetValue(hash, out var t)) return;
        t.Subscribers.Remove(subscriber);
        if (t.Subscribers.Count == 0) _tracked.Remove(hash);
    }

    private void Announce(InfoHash hash)
    {
        var t = _tracked[hash];
        _tracked[hash] = t with { Announced = Context.System.Scheduler.Now };
        if (_socket is null) return;
        var packet = new LsdAnnounce(t.Port, [hash], _cookie).Encode(v6: false);
        try { _socket.SendTo(packet, new IPEndPoint(IPAddress.Parse(LsdAnnounce.V4Group), _groupPort)); }
        catch (SocketException e) { _log.Debug("LSD announce not sent: {0}", e.Message); }
    }

    private void OnReceived(Received m)
    {
        if (LsdAnnounce.TryParse(m.Packet) is not { } announce || announce.Cookie == _cookie) return;
        var peer = new IPEndPoint(m.From.Address, announce.Port);
        foreach (var hash in announce.InfoHashes)
            if (_tracked.TryGetValue(hash, out var t))
                foreach (var s in t.Subscribers) s.Tell(new PeersFromLsd(hash, [peer]));
    }

    private static async Task ReceiveLoop(Socket socket, IActorRef self, CancellationToken ct)
    {
        var buffer = new byte[LsdAnnounce.MaxPacket + 1];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct).ConfigureAwait(false);
                if (r.ReceivedBytes is > 0 and <= LsdAnnounce.MaxPacket)
                    self.Tell(new Received(buffer.AsSpan(0, r.ReceivedBytes).ToArray(), (IPEndPoint)r.RemoteEndPoint));
            }
            catch (SocketException)
            {
                try { await Task.Delay(100, ct).ConfigureAwait(false); } // ICMP noise: go on, without spinning
                catch (OperationCanceledException) { return; }
            }
            catch (Exception) { return; } // cancelled or disposed: the actor is stopping
        }
    }
}
