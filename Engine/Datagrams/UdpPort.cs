using System.Net.Sockets;
using System.Net;
using Akka.Actor;
using Engine.Core.Peers;

namespace Engine.Datagrams;

/// <summary>
/// The engine's one UDP socket, bound to the listen port (as libtorrent does, so that one port forward serves TCP, the
/// DHT and, later, uTP). A receive loop off the actor thread reads datagrams and hands each to the consumer its first
/// byte names: <c>d</c> (a bencoded dictionary) to the DHT; anything else is for uTP (dropped until it exists). Sends
/// are told to this actor and go out without blocking: a full socket buffer drops the datagram, as UDP may.
/// </summary>
internal sealed class UdpPort : ReceiveActor
{
    /// <summary>Sends <paramref name="Packet"/> to <paramref name="To"/>.</summary>
    public sealed record Send(byte[] Packet, IPEndPoint To);

    /// <summary>Makes <paramref name="Consumer"/> the DHT: it gets every datagram that starts with 'd' as <see cref="Received"/>.</summary>
    public sealed record RegisterDht(IActorRef Consumer);

    /// <summary>A datagram (a copy, exactly its bytes) and where it came from.</summary>
    public sealed record Received(byte[] Packet, IPEndPoint From);

    /// <summary>Told to the parent once bound (or failed to bind: <paramref name="Error"/>).</summary>
    public sealed record Bound(IPEndPoint? LocalEndPoint, string? Error);

    private sealed record LoopEnded(string Reason);

    private readonly IPEndPoint _endPoint;
    private readonly CancellationTokenSource _cts = new();
    private Socket? _socket;
    private IActorRef _dht = ActorRefs.Nobody;

    public UdpPort(IPEndPoint endPoint)
    {
        _endPoint = endPoint;
        Receive<RegisterDht>(m => _dht = m.Consumer);
        Receive<Received>(m => _dht.Tell(m));
        Receive<Send>(m => SendNow(m.Packet, m.To));
        Receive<LoopEnded>(m => throw new IOException("the UDP receive loop ended: " + m.Reason)); // the parent restarts us
    }

    public static Props Props(IPEndPoint endPoint) => Akka.Actor.Props.Create(() => new UdpPort(endPoint));

    protected override void PreStart()
    {
        try
        {
            _socket = new Socket(_endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
            if (_endPoint.AddressFamily == AddressFamily.InterNetworkV6) _socket.DualMode = true;
            _socket.Bind(_endPoint);
        }
        catch (SocketException e)
        {
            _socket?.Dispose();
            _socket = null;
            Context.Parent.Tell(new Bound(null, $"cannot bind UDP {_endPoint}: {e.Message}"));
            return;
        }
        Context.Parent.Tell(new Bound((IPEndPoint)_socket.LocalEndPoint!, null));
        var self = Self;
        var socket = _socket;
        _ = Task.Run(() => ReceiveLoop(socket, self, _cts.Token));
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        _socket?.Dispose();
    }

    private void SendNow(byte[] packet, IPEndPoint to)
    {
        if (_socket is null) return;
        try { _socket.SendTo(packet, SocketFlags.None, to); }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.NoBufferSpaceAvailable or SocketError.NetworkUnreachable
            or SocketError.HostUnreachable or SocketError.AddressNotAvailable or SocketError.ConnectionRefused or SocketError.AccessDenied or SocketError.MessageSize)
        {
            // Dropped, as the network may drop any datagram.
        }
    }

    private static async Task ReceiveLoop(Socket socket, IActorRef self, CancellationToken ct)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var reason = "stopped";
        try
        {
            while (!ct.IsCancellationRequested)
            {
                SocketReceiveFromResult r;
                try { r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct).ConfigureAwait(false); }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize) { continue; } // ICMP noise, oversized datagrams
                if (r.ReceivedBytes == 0 || buffer[0] != (byte)'d') continue; // not the DHT's (uTP's, when it lands)
                var from = PeerAddress.Normalize((IPEndPoint)r.RemoteEndPoint);
                self.Tell(new Received(buffer.AsSpan(0, r.ReceivedBytes).ToArray(), from));
            }
        }
        catch (OperationCanceledException) { return; }
        catch (ObjectDisposedException) { return; }
        catch (Exception e) { reason = e.Message; }
        if (!ct.IsCancellationRequested) self.Tell(new LoopEnded(reason));
    }
}
