using System.Net.Sockets;
using System.Net;
using Akka.Actor;
using Engine.Actors;
using Engine.Core.Peers;
using Engine.Utp;

namespace Engine.Datagrams;

/// <summary>
/// The engine's one UDP socket, bound to the listen port (as libtorrent does, so that one port forward serves TCP, the
/// DHT and uTP). A receive loop off the actor thread reads datagrams and hands each to the consumer its first byte
/// names: <c>d</c> (a bencoded dictionary) to the DHT, as a message; anything else to the <see cref="UtpMultiplexer"/>,
/// directly on the loop's thread (a uTP header's first byte is its type and version, 0x01 to 0x41), which this actor
/// ticks every <see cref="UtpTick"/>. DHT sends are told to this actor and go out without blocking: a full socket
/// buffer drops the datagram, as UDP may.
/// </summary>
internal sealed partial class UdpPort : UntypedActor, IWithTimers
{
    public static readonly TimeSpan UtpTick = TimeSpan.FromMilliseconds(50);

    /// <summary>Sends <paramref name="Packet"/> to <paramref name="To"/>.</summary>
    public sealed record Send(byte[] Packet, IPEndPoint To);

    /// <summary>Makes <paramref name="Consumer"/> the DHT: it gets every datagram that starts with 'd' as <see cref="Received"/>.</summary>
    public sealed record RegisterDht(IActorRef Consumer);

    /// <summary>A datagram (a copy, exactly its bytes) and where it came from.</summary>
    public sealed record Received(byte[] Packet, IPEndPoint From);

    /// <summary>
    /// An ICMP error says nothing answers at <paramref name="To"/> (<paramref name="What"/>: "ICMP port unreachable", …):
    /// passed on to the DHT, whose queries to it fail at once. Read where the receive thread runs (64-bit Linux, with uTP).
    /// </summary>
    public sealed record Unreachable(IPEndPoint To, string What);

    /// <summary>Told to the parent once bound (or failed to bind: <paramref name="Error"/>).</summary>
    public sealed record Bound(IPEndPoint? LocalEndPoint, string? Error);

    private sealed record LoopEnded(string Reason);
    private sealed class Tick { public static readonly Tick Instance = new(); }

    private readonly IPEndPoint _endPoint;
    private readonly UtpMultiplexer? _utp;
    private readonly CancellationTokenSource _cts = new();
    private Socket? _socket;
    private IActorRef _dht = ActorRefs.Nobody;

    public UdpPort(IPEndPoint endPoint, UtpMultiplexer? utp = null)
    {
        _endPoint = endPoint;
        _utp = utp;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tick: _utp?.Tick(); break;
            case RegisterDht m: _dht = m.Consumer; break;
            case Received m: _dht.Tell(m); break;
            case Unreachable m: _dht.Tell(m); break;
            case Send m: SendNow(m.Packet, m.To); break;
            case LoopEnded m: throw new IOException("the UDP receive loop ended: " + m.Reason); // the parent restarts us
            default: Unhandled(message); break;
        }
    }

    public static Props Props(IPEndPoint endPoint, UtpMultiplexer? utp = null) => ActorProps.Of(() => new UdpPort(endPoint, utp));

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The thread that receives (64-bit Linux; null elsewhere), named "udp" and the port: it ends when the port stops.</summary>
    internal Thread? ReceiveThread { get; private set; }

    protected override void PreStart()
    {
        try
        {
            _socket = new Socket(_endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
            if (_endPoint.AddressFamily == AddressFamily.InterNetworkV6) _socket.DualMode = true;
            _socket.Bind(_endPoint);
            GrowBuffers(_socket);
        }
        catch (SocketException e)
        {
            _socket?.Dispose();
            _socket = null;
            Context.Parent.Tell(new Bound(null, $"cannot bind UDP {_endPoint}: {e.Message}"));
            return;
        }
        var self = Self;
        var socket = _socket;
        var receiveThread = BatchReceiver.IsSupported;
        if (receiveThread)
        {
            BatchReceiver.ReportErrors(socket); // before uTP can send: an error for its first SYN would be lost
            BatchReceiver.CoalesceReceives(socket); // the receive thread splits what comes joined
        }
        Context.Parent.Tell(new Bound((IPEndPoint)_socket.LocalEndPoint!, null));
        if (_utp is not null)
        {
            _utp.Attach(socket);
            Timers.StartPeriodicTimer("utp-tick", Tick.Instance, UtpTick);
        }
        var utp = _utp;
        var ct = _cts.Token;
        if (receiveThread)
        {
            ReceiveThread = new Thread(() => PollLoop(socket, self, utp, ct)) { IsBackground = true, Name = $"udp {((IPEndPoint)socket.LocalEndPoint!).Port}" };
            ReceiveThread.Start();
        }
        else _ = Task.Run(() => ReceiveLoop(socket, self, utp, ct));
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        if (_socket is not null) _utp?.Detach(_socket);
        WakeReceiver(_socket);
        _socket?.Dispose();
    }

    private void SendNow(byte[] packet, IPEndPoint to)
    {
        if (_socket is null) return;
        try { UtpMultiplexer.SendOrRetry(_socket, packet, to.Serialize()); }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.NoBufferSpaceAvailable or SocketError.NetworkUnreachable
            or SocketError.HostUnreachable or SocketError.AddressNotAvailable or SocketError.ConnectionRefused or SocketError.AccessDenied or SocketError.MessageSize)
        {
            // Dropped, as the network may drop any datagram.
        }
    }

    /// <summary>
    /// Ends a receive thread's wait in <c>poll</c> now: <c>close(2)</c> alone does not wake a thread blocked on the socket,
    /// <c>shutdown(2)</c> does, on Linux even for an unconnected UDP socket (though it reports "not connected"). .NET's
    /// <c>Dispose</c> does the same for a handle in use, as the waiting thread's is; this does not rely on it.
    /// </summary>
    private static void WakeReceiver(Socket? socket)
    {
        try { socket?.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Asks for 4 MiB socket buffers (Linux grants up to twice net.core.rmem_max/wmem_max, 416 KB by default): a burst of
    /// uTP packets that meets a full buffer is lost, on the way in or, on this non-blocking socket, on the way out.
    /// </summary>
    private static void GrowBuffers(Socket socket)
    {
        try
        {
            socket.ReceiveBufferSize = 4 << 20;
            socket.SendBufferSize = 4 << 20;
        }
        catch (SocketException) { } // the defaults then
    }
}
