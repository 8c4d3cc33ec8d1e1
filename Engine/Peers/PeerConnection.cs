using System.Net.Sockets;
using System.Net;
using Akka.Actor;
using Engine.Buffers;
using Engine.Core.Diagnostics;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Pieces;

namespace Engine.Peers;

/// <summary>
/// One peer. Owns the protocol state (choke/interest both ways, the peer's bitfield, our outstanding
/// requests, its queued requests) and two children that own the socket: <see cref="PeerInbound"/>
/// (reads) and <see cref="PeerOutbound"/> (writes). If either child stops, the peer stops; on stop
/// the PieceManager (which watches us) takes back every block we had claimed.
/// Downloading: the PieceManager decides interest and hands out blocks; we keep up to the
/// <see cref="RequestPipeline"/>'s depth of requests outstanding. Uploading: the PeerManager decides
/// choking; requests from an unchoked peer are read from storage off the actor thread.
/// </summary>
public sealed partial class PeerConnection : ReceiveActor, IWithTimers
{
    private readonly SwarmContext _ctx;
    private readonly IPEndPoint _remote;
    private Socket? _socket;
    private readonly Handshake? _acceptedHandshake;
    private readonly byte[] _initialBytes;
    private readonly DiskCredit _diskCredit;
    private readonly Akka.Event.ILoggingAdapter _log = Akka.Event.Logging.GetLogger(Context);

    private IActorRef _inbound = ActorRefs.Nobody;
    private IActorRef _outbound = ActorRefs.Nobody;
    private PeerId? _remoteId;
    private bool _remoteFast;
    private bool _remoteExtensions;
    private Bitfield _remoteHas;
    private bool _bitfieldSeen;
    private Bitfield _ourHave;

    // download side
    private bool _amInterested;
    private bool _peerChoking = true;
    private bool _blocksRequested;
    private bool _batching;                          // inside OnReceived: accepted blocks wait in _arrived
    private readonly List<PieceMessage> _arrived = new();
    private readonly Dictionary<BlockRequest, DateTimeOffset> _outstanding = new(); // block -> when requested
    private DateTimeOffset _newestServedRequest; // request time of the most recently requested block that arrived
    private long _receivedSinceTick;
    private readonly RequestPipeline _pipeline = new();
    private DateTimeOffset _lastBlockAt;
    private DateTimeOffset? _unchokedUsAt;
    private readonly RateMeter _download = new();

    // upload side
    private bool _amChoking = true;
    private bool _peerInterested;
    private readonly Queue<BlockRequest> _uploadQueue = new();           // arrival order; may hold cancelled entries
    private readonly HashSet<BlockRequest> _requests = new();            // requests not yet handed to the write loop
    private int _chokedRequests;
    private int _unreadableBlocks;
    private long _outboundQueued;
    private readonly RateMeter _upload = new();

    private DateTimeOffset _lastReceived;
    private readonly DateTimeOffset _connectedAt;
    private string _closeReason = "closed";
    private bool _failed;
    private bool _banned;
    private bool _stopping;

    public PeerConnection(SwarmContext ctx, IPEndPoint remote, Socket? acceptedSocket, Handshake? acceptedHandshake, byte[] initialBytes)
    {
        _ctx = ctx;
        _remote = remote;
        _socket = acceptedSocket;
        _acceptedHandshake = acceptedHandshake;
        _initialBytes = initialBytes;
        _diskCredit = new DiskCredit(ctx.Settings.DiskCreditBlocks, ctx.DiskBudget);
        _remoteHas = new Bitfield(ctx.Layout.PieceCount);
        _ourHave = new Bitfield(ctx.Layout.PieceCount);
        _connectedAt = Context.System.Scheduler.Now;
        if (_socket is null) Connecting();
        else Handshaking();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Dial <paramref name="remote"/>.</summary>
    public static Props Outgoing(SwarmContext ctx, IPEndPoint remote)
        => Props.Create(() => new PeerConnection(ctx, remote, null, null, Array.Empty<byte>()));

    /// <summary>A connection the listener accepted, whose handshake it has already read and routed.</summary>
    public static Props Incoming(SwarmContext ctx, IPEndPoint remote, Socket socket, Handshake handshake, byte[] initialBytes)
        => Props.Create(() => new PeerConnection(ctx, remote, socket, handshake, initialBytes));

    /// <summary>A child dying stops the peer: no half-connections.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _lastReceived = Context.System.Scheduler.Now;
        if (_socket is null)
        {
            var remote = _remote;
            var timeout = _ctx.Settings.ConnectTimeout;
            ConnectAsync(remote, timeout).PipeTo(Self, success: s => new SocketConnected(s), failure: e => new ConnectFailed(e.GetBaseException().Message));
        }
        else
        {
            StartChildren(expectHandshake: false);
            OnHandshake(_acceptedHandshake!.Value);
        }
        Timers.StartSingleTimer("handshake-timeout", HandshakeTimedOut.Instance, _ctx.Settings.HandshakeTimeout);
    }

    protected override void PostStop()
    {
        Context.Parent.Tell(new PeerManager.PeerDisconnected(_remote, _remoteId, _closeReason, _failed, _banned, _download.Total, _upload.Total));
        // Blocks of ours still on their way to the disk no longer count against the engine-wide cap.
        _diskCredit.Close();
        if (_socket is not null && _inbound.IsNobody())
            _socket.Dispose();
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint remote, TimeSpan timeout)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(remote, cts.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Connecting()
    {
        Receive<SocketConnected>(m =>
        {
            _socket = m.Socket;
            StartChildren(expectHandshake: true);
            Become(Handshaking);
        });
        Receive<ConnectFailed>(m => Close("connect failed: " + m.Reason, failed: true));
        Receive<HandshakeTimedOut>(_ => Close("connect timed out", failed: true));
        ReceiveAny(_ => { });
    }

    private void Handshaking()
    {
        Receive<PeerInbound.HandshakeReceived>(m => OnHandshake(m.Handshake));
        Receive<HandshakeTimedOut>(_ => Close("no handshake", failed: true));
        CommonLifecycle();
        ReceiveAny(_ => { });
    }

    private void StartChildren(bool expectHandshake)
    {
        var socket = _socket!;
        socket.NoDelay = true;
        var handshake = new byte[Handshake.Length];
        new Handshake(_ctx.InfoHash, _ctx.OurId, supportsExtensions: true, supportsFast: true).WriteTo(handshake);
        _outbound = Context.ActorOf(PeerOutbound.Props(socket, handshake, _ctx.Settings, _ctx.Upload, _ctx.Blocks), "out");
        _inbound = Context.ActorOf(PeerInbound.Props(socket, expectHandshake, _initialBytes,
            _ctx.Pool, _ctx.Settings.MaxMessageLength, _diskCredit, _ctx.Download), "in");
        Context.Watch(_outbound);
        Context.Watch(_inbound);
    }

    private void OnHandshake(Handshake hs)
    {
        if (hs.InfoHash != _ctx.InfoHash) { Close("handshake for another torrent", failed: true); return; }
        if (hs.PeerId.Equals(_ctx.OurId)) { Close("connected to ourselves", failed: true, ban: true); return; }
        Timers.Cancel("handshake-timeout");
        _remoteId = hs.PeerId;
        _remoteFast = hs.SupportsFast;
        _remoteExtensions = hs.SupportsExtensions;
        if (_remoteExtensions)
            _outbound.Tell(new Extended(0, ExtendedHandshake()));
        _ctx.PieceManager.Tell(new PieceManager.PeerJoined(_remoteId));
        Context.Parent.Tell(new PeerManager.PeerHandshaked(_remote, hs.PeerId));
        Timers.StartPeriodicTimer("tick", Tick.Instance, _ctx.Settings.TickInterval);
        Become(Active);
    }

    private byte[] ExtendedHandshake()
    {
        // m (with ut_metadata when we serve metadata, BEP 9), metadata_size, p, reqq, v.
        var serve = !_ctx.Metadata.IsEmpty;
        return new Engine.Core.Metadata.ExtensionHandshake(
            serve ? new Dictionary<string, int> { [Engine.Core.Metadata.MetadataCodec.ExtensionName] = MetadataId } : new Dictionary<string, int>(),
            MetadataSize: serve ? _ctx.Metadata.Length : null,
            ListenPort: _ctx.ListenPort,
            Client: "Engine/0.1",
            RequestQueue: _ctx.Settings.AdvertisedRequestQueue).Encode();
    }

    private void CommonLifecycle()
    {
        Receive<PeerInbound.ViolationDetected>(m => Close($"protocol violation: {m.Violation.Kind} ({m.Violation.Detail})", failed: true, ban: true));
        Receive<PeerInbound.ReadEnded>(m => Close(m.Reason, failed: _remoteId is null));
        Receive<PeerOutbound.WriteEnded>(m => Close("write: " + m.Reason, failed: _remoteId is null));
        Receive<Terminated>(_ => Close(_closeReason == "closed" ? "socket closed" : _closeReason, failed: false));
        Receive<PieceMessage>(m =>
        {
            // Not active yet (cannot happen after a valid handshake) — give the buffer and credit back.
            m.Data.Release();
            _diskCredit.Release();
        });
        Receive<PeerInbound.Received>(m =>
        {
            foreach (var message in m.Messages) DropMessage(message);
        });
    }

    private void Close(string reason, bool failed, bool ban = false)
    {
        _closeReason = reason;
        _failed |= failed;
        _banned |= ban;
        _stopping = true;
        Context.Stop(Self);
    }

    private sealed record SocketConnected(Socket Socket);
    private sealed record ConnectFailed(string Reason);
    private sealed class HandshakeTimedOut { public static readonly HandshakeTimedOut Instance = new(); }
    private sealed class Tick { public static readonly Tick Instance = new(); }
}
