using System.Net.Sockets;
using System.Net;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using Engine.Actors;
using Engine.Core.Peers;
using Engine.Core.Wire;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>
/// The one listening socket of an engine (TCP; each accepted connection becomes a <see cref="TcpTransport"/>). An accept loop reads each new connection's handshake (with a
/// deadline) off the actor thread and tells the engine root, which routes it by info-hash to its torrent;
/// a connection that sends garbage, or nothing, is closed here — garbage at its first wrong byte
/// (<see cref="HandshakePrefix"/>), not when 68 bytes are in. Who may wait for their handshake, and how long, is the
/// <see cref="HandshakeQueue"/>'s: at most <see cref="MaxPendingHandshakes"/> at once and a few per host, a deadline that
/// shrinks as the queue fills, and the longest waiting evicted when a newcomer finds it full, so a flood of silent or
/// one-byte connections cannot shut honest peers out. (Per-torrent and engine-wide connection limits are
/// applied after routing, by each torrent's PeerManager.) If the accept loop meets anything but a socket error or the
/// stop, the actor fails with that exception, so the engine root sees it, logs it and listens again.
/// </summary>
internal sealed class PeerListener : UntypedActor
{
    /// <summary>Told to the parent: a connection whose handshake has been read.</summary>
    public sealed record Accepted(IPeerTransport Transport, IPEndPoint Remote, Handshake Handshake, byte[] InitialBytes);
    /// <summary>A connection that arrived another way (uTP): its handshake is read here like a TCP connection's.</summary>
    public sealed record Incoming(IPeerTransport Transport);
    /// <summary>Told to the parent once listening.</summary>
    public sealed record Bound(IPEndPoint LocalEndPoint);
    /// <summary>The accept loop ended on an unexpected exception: the actor rethrows it, to fail where its parent sees it.</summary>
    private sealed record AcceptFailed(Exception Cause);

    private readonly IPEndPoint _endPoint;
    private readonly MsePolicy _encryption;
    private readonly MseTorrents _torrents;
    private readonly CancellationTokenSource _cts = new();
    private readonly HandshakeQueue _queue;                               // guarded by itself
    private readonly Dictionary<long, CancellationTokenSource> _waiting = new(); // guarded by _queue
    private Socket? _listener;

    public const int MaxPendingHandshakes = HandshakeQueue.DefaultMax;

    /// <summary>The first byte of a plain BitTorrent handshake (the length of "BitTorrent protocol").</summary>
    private const byte ProtocolNameLength = 19;

    public PeerListener(IPEndPoint endPoint, TimeSpan handshakeTimeout, MsePolicy? encryption = null, MseTorrents? torrents = null,
        int maxPendingPerHost = HandshakeQueue.DefaultMaxPerHost, Socket? listening = null)
    {
        _endPoint = endPoint;
        _listener = listening;
        _encryption = encryption ?? MsePolicy.Off;
        _torrents = torrents ?? new MseTorrents();
        _queue = new HandshakeQueue(MaxPendingHandshakes, maxPendingPerHost, handshakeTimeout,
            handshakeTimeout < TimeSpan.FromSeconds(2) ? handshakeTimeout : TimeSpan.FromSeconds(2));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AcceptFailed m: ExceptionDispatchInfo.Throw(m.Cause); break;
            case Incoming m:
                if (Admit(m.Transport.Remote, _cts.Token) is var (id, deadline)) _ = ReadHandshake(m.Transport, id, deadline, Context.Parent);
                else m.Transport.Dispose();
                break;
            default: Unhandled(message); break;
        }
    }

    /// <param name="listening">A socket already listening on <paramref name="endPoint"/> (<see cref="Open"/>), taken over; null: the actor opens one.</param>
    public static Props Props(IPEndPoint endPoint, TimeSpan handshakeTimeout, MsePolicy? encryption = null, MseTorrents? torrents = null,
        int maxPendingPerHost = HandshakeQueue.DefaultMaxPerHost, Socket? listening = null)
        => ActorProps.Of(() => new PeerListener(endPoint, handshakeTimeout, encryption, torrents, maxPendingPerHost, listening));

    /// <summary>A TCP socket bound to <paramref name="endPoint"/> and listening, as the actor listens (throws <see cref="SocketException"/>).</summary>
    public static Socket Open(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            AllowRebind(socket);
            if (endPoint.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true; // [::] takes IPv4 peers too (as ::ffff:a.b.c.d, unmapped below)
            socket.Bind(endPoint);
            socket.Listen(128);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Lets the port be bound again while connections of the last run wait out TIME_WAIT (a restart), and nothing more:
    /// SO_REUSEADDR alone. .NET's <see cref="SocketOptionName.ReuseAddress"/> also sets SO_REUSEPORT on Linux and macOS,
    /// which let a second engine bind the same port and take a share of its incoming connections instead of failing
    /// with "cannot listen". Windows binds over TIME_WAIT without it, and there it would let another socket take the port.
    /// </summary>
    private static void AllowRebind(Socket socket)
    {
        if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(SolSocketLinux, SoReuseAddrLinux, BitConverter.GetBytes(1));
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) socket.SetRawSocketOption(SolSocketBsd, SoReuseAddrBsd, BitConverter.GetBytes(1));
    }

    private const int SolSocketLinux = 1, SoReuseAddrLinux = 2, SolSocketBsd = 0xffff, SoReuseAddrBsd = 4;

    protected override void PreStart()
    {
        _listener ??= Open(_endPoint);
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
            if (socket.RemoteEndPoint is not IPEndPoint mapped || Admit(PeerAddress.Normalize(mapped), ct) is not var (id, deadline))
            {
                socket.Dispose();
                continue;
            }
            _ = ReadHandshake(new TcpTransport(socket), id, deadline, parent);
        }
    }

    /// <summary>The queue's decision on a new connection: its id and the token that ends its wait, or null when refused. Evicts as told.</summary>
    private (long Id, CancellationTokenSource Deadline)? Admit(IPEndPoint remote, CancellationToken ct)
    {
        lock (_queue)
        {
            var admission = _queue.Admit(remote, DateTimeOffset.UtcNow);
            if (!admission.Accepted) return null;
            if (admission.Evicted is { } evicted && _waiting.Remove(evicted, out var victim)) victim.Cancel();
            var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(admission.Deadline);
            _waiting.Add(admission.Id, deadline);
            return (admission.Id, deadline);
        }
    }

    private void Done(long id)
    {
        lock (_queue)
        {
            _queue.Done(id);
            _waiting.Remove(id);
        }
    }

    /// <summary>
    /// Reads the 68-byte handshake as it arrives, refusing the connection at the first byte that cannot start one; the
    /// wait ends at the deadline or when a newcomer evicts it.
    /// </summary>
    private async Task ReadHandshake(IPeerTransport transport, long id, CancellationTokenSource deadline, IActorRef parent)
    {
        try
        {
            var buffer = new byte[Handshake.Length];
            var filled = 0;
            while (filled < buffer.Length)
            {
                var n = await transport.ReceiveAsync(buffer.AsMemory(filled), deadline.Token).ConfigureAwait(false);
                if (filled == 0 && n > 0 && transport is not EncryptedTransport)
                {
                    if (buffer[0] != ProtocolNameLength && _encryption.AcceptEncrypted)
                    {
                        // Not "\x13BitTorrent protocol": an MSE handshake (the start of its key). The BitTorrent handshake follows inside it.
                        transport = await MseHandshakes.RespondAsync(transport, buffer.AsMemory(0, n), _torrents.Find, _encryption.Allowed, deadline.Token).ConfigureAwait(false);
                        continue;
                    }
                    if (buffer[0] == ProtocolNameLength && !_encryption.AcceptPlain) n = 0; // encryption required: plain is refused
                }
                if (n == 0 || !HandshakePrefix.IsPlausible(buffer.AsSpan(0, filled + n)))
                {
                    transport.Dispose();
                    return;
                }
                filled += n;
            }
            if (!Handshake.TryParse(buffer, out var hs, out _))
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
            Done(id);
            deadline.Dispose();
        }
    }
}
