using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Core.Lsd;
using Engine.Core.Primitives;

namespace Engine.Lsd;

/// <summary>
/// Local service discovery (BEP 14): peers on the same network found without any tracker. A UDP socket on the multicast
/// group's port (shared with other clients on the host) joins 239.192.152.143 — and, when we listen on IPv6, a second
/// one joins [ff15::efc0:988f] — on the interface we listen on (the default one when we listen on all); each tracked
/// torrent is announced on each at once and every <see cref="Interval"/>, one torrent per datagram, with a cookie by which
/// our own announces are recognised and ignored. An announce of a tracked torrent from someone else goes to the torrent
/// as <see cref="PeersFromLsd"/> (the sender's address, the port it names). Private torrents are never tracked. A socket
/// that cannot be had leaves that family off, with one log line.
/// </summary>
internal sealed class LocalDiscovery : UntypedActor, IWithTimers
{
    public sealed record Track(InfoHash InfoHash, int Port, IActorRef Subscriber);
    public sealed record Untrack(InfoHash InfoHash, IActorRef Subscriber);

    /// <summary>To a tracking torrent: a peer on the local network announced it.</summary>
    public sealed record PeersFromLsd(InfoHash InfoHash, IReadOnlyList<IPEndPoint> Peers);

    private sealed record Received(byte[] Packet, IPEndPoint From);
    private sealed class Tick { public static readonly Tick Instance = new(); }

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>One multicast group we announce on and listen to.</summary>
    private sealed record Group(Socket Socket, IPEndPoint Address, bool V6);

    private readonly IPAddress _listen;
    private readonly int _groupPort;
    private readonly List<Group> _groups = new();
    private readonly string _cookie = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4]);
    private readonly Dictionary<InfoHash, (int Port, HashSet<IActorRef> Subscribers, DateTimeOffset? Announced)> _tracked = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public LocalDiscovery(IPAddress listenAddress, int groupPort = LsdAnnounce.GroupPort)
    {
        _listen = listenAddress;
        _groupPort = groupPort;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Track m: OnTrack(m); break;
            case Untrack m: Forget(m.InfoHash, m.Subscriber); break;
            case Terminated m:
                foreach (var hash in _tracked.Where(t => t.Value.Subscribers.Contains(m.ActorRef)).Select(t => t.Key).ToList()) Forget(hash, m.ActorRef);
                break;
            case Received m: OnReceived(m); break;
            case Tick:
                foreach (var (hash, t) in _tracked.ToList())
                    if (t.Announced is not { } at || Context.System.Scheduler.Now - at >= Interval) Announce(hash);
                break;
            default: Unhandled(message); break;
        }
    }

    private void OnTrack(Track m)
    {
        if (!_tracked.TryGetValue(m.InfoHash, out var t)) _tracked[m.InfoHash] = t = (m.Port, [], null);
        if (t.Subscribers.Add(m.Subscriber)) Context.Watch(m.Subscriber);
        if (t.Announced is null) Announce(m.InfoHash);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IPAddress listenAddress, int groupPort = LsdAnnounce.GroupPort)
        => ActorProps.Of(() => new LocalDiscovery(listenAddress, groupPort));

    protected override void PreStart()
    {
        // IPv4 unless we listen on a specific IPv6 address; IPv6 too when we listen on IPv6 (on [::], both).
        if (_listen.AddressFamily == AddressFamily.InterNetwork || _listen.Equals(IPAddress.IPv6Any)) Open(v6: false);
        if (_listen.AddressFamily == AddressFamily.InterNetworkV6) Open(v6: true);
        if (_groups.Count == 0) return;
        var self = Self;
        foreach (var g in _groups) _ = Task.Run(() => ReceiveLoop(g.Socket, self, _cts.Token));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromSeconds(10));
    }

    private void Open(bool v6)
    {
        Socket? socket = null;
        try
        {
            socket = new Socket(v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, _groupPort));
            var group = IPAddress.Parse(v6 ? LsdAnnounce.V6Group : LsdAnnounce.V4Group);
            if (v6)
            {
                var index = InterfaceIndex(_listen);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group, index));
                if (index != 0) socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, (int)index);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 2);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, true);
            }
            else
            {
                var local = _listen.AddressFamily == AddressFamily.InterNetwork ? _listen : IPAddress.Any;
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, local));
                if (!local.Equals(IPAddress.Any)) socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, local.GetAddressBytes());
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 2); // beyond one router hop at most (BEP 14's note)
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true); // other clients on this host
            }
            _groups.Add(new Group(socket, new IPEndPoint(group, _groupPort), v6));
        }
        catch (SocketException e)
        {
            _log.Info("local service discovery over {0} is off: {1}", v6 ? "IPv6" : "IPv4", e.Message);
            socket?.Dispose();
        }
    }

    /// <summary>The index of the interface that has <paramref name="address"/>; 0 (the default interface) for [::] or when none has it.</summary>
    private static long InterfaceIndex(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Any)) return 0;
        foreach (var nic in System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces())
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                if (unicast.Address.Equals(address)) return nic.GetIPProperties().GetIPv6Properties().Index;
        return 0;
    }

    /// <summary>Restarted in place after a failure: the next incarnation gets the torrents back.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var (hash, t) in _tracked)
            foreach (var s in t.Subscribers) Self.Tell(new Track(hash, t.Port, s));
        base.PreRestart(reason, message);
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        foreach (var g in _groups) g.Socket.Dispose();
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
        foreach (var g in _groups)
        {
            try { g.Socket.SendTo(new LsdAnnounce(t.Port, [hash], _cookie).Encode(g.V6), g.Address); }
            catch (SocketException e) { _log.Debug("LSD announce not sent on {0}: {1}", g.Address, e.Message); }
        }
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
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
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
