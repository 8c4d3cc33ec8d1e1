using System.Net.Sockets;
using System.Net;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using Engine.Core.Wire;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>
/// The one listening socket of an engine (TCP; each accepted connection becomes a <see cref="TcpTransport"/>). An accept loop reads each new connection's handshake (with a
/// timeout) off the actor thread and tells the engine root, which routes it by info-hash to its torrent;
/// a connection that sends garbage, or nothing, is closed here. At most <see cref="MaxPendingHandshakes"/>
/// connections may be waiting for their handshake at once; beyond that new ones are closed at once, so a
/// flood of silent connections cannot pile up sockets. (Per-torrent and engine-wide connection limits are
/// applied after routing, by each torrent's PeerManager.) If the accept loop meets anything but a socket error or the
/// stop, the actor fails with that exception, so the engine root sees it, logs it and listens again.
/// </summary>
internal sealed class PeerListener : ReceiveActor
{
    /// <summary>Told to the parent: a connection whose handshake has been read.</summary>
    public sealed record Accepted(IPeerTransport Transport, IPEndPoint Remote, Handshake Handshake, byte[] InitialBytes);
    /// <summary>Told to the parent once listening.</summary>
    public sealed record Bound(IPEndPoint LocalEndPoint);
    /// <summary>The accept loop ended on an unexpected exception: the actor rethrows it, to fail where its parent sees it.</summary>
    private sealed record AcceptFailed(Exception Cause);

    private readonly IPEndPoint _endPoint;
    private readonly TimeSpan _handshakeTimeout;
    private readonly CancellationTokenSource _cts = new();
    private Socket? _listener;
    private int _pending;

    public const int MaxPendingHandshakes = 64;

    public PeerListener(IPEndPoint endPoint, TimeSpan handshakeTimeout)
    {
        _endPoint = endPoint;
        _handshakeTimeout = handshakeTimeout;
        Receive<AcceptFailed>(m => ExceptionDispatchInfo.Throw(m.Cause));
    }

    public static Props Props(IPEndPoint endPoint, TimeSpan handshakeTimeout)
        => Akka.Actor.Props.Create(() => new PeerListener(endPoint, handshakeTimeout));

    protected override void PreStart()
    {
        _listener = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(_endPoint);
        _listener.Listen(128);
        var local = (IPEndPoint)_listener.LocalEndPoint!;
        Context.Parent.Tell(new Bound(local));
        var parent = Context.Parent;
        var self = Self;
        _ = Task.Run(async () =>
        {
            try { await AcceptLoop(_listener, parent, _cts.Token).ConfigureAwait(false); }
            catch (Exception e) { self.Tell(new AcceptFailed(e)); }
        });
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        _listener?.Dispose();
    }

    private async Task AcceptLoop(Socket listener, IActorRef parent, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await listener.AcceptAsync(ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            if (Interlocked.Increment(ref _pending) > MaxPendingHandshakes)
            {
                Interlocked.Decrement(ref _pending);
                socket.Dispose();
                continue;
            }
            _ = ReadHandshake(new TcpTransport(socket), parent, ct);
        }
    }

    private async Task ReadHandshake(IPeerTransport transport, IActorRef parent, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_handshakeTimeout);
            var buffer = new byte[Handshake.Length];
            if (!await transport.ReceiveExactlyAsync(buffer, timeout.Token).ConfigureAwait(false) || !Handshake.TryParse(buffer, out var hs, out _))
            {
                transport.Dispose();
                return;
            }
            parent.Tell(new Accepted(transport, transport.Remote, hs, Array.Empty<byte>()));
        }
        catch (Exception)
        {
            transport.Dispose();
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }
}
