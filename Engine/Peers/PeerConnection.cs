using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Buffers;
using Engine.Core.Merkle;
using Engine.Core.Peers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Pieces;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>
/// One peer: the actor shell of a <see cref="PeerSession"/>, which holds the whole peer protocol. The shell dials or
/// takes the accepted connection (an <see cref="IPeerTransport"/>), starts two children that own it — <see cref="PeerInbound"/> (reads) and
/// <see cref="PeerOutbound"/> (writes) — feeds the session what they, the PieceManager and the PeerManager tell, and
/// carries out what the session asks (it is the session's <see cref="IPeerEffects"/>). If either child stops, the peer
/// stops; on stop the PieceManager (which watches us) takes back every block we had claimed.
/// </summary>
internal sealed class PeerConnection : UntypedActor, IWithTimers, IPeerEffects
{
    /// <summary>From the PeerManager's choker: choke or unchoke this peer for upload.</summary>
    public sealed record SetChoke(bool Choke);

    /// <summary>From the PeerManager: close the connection (not a failure, no ban), e.g. to give its slot to another peer.</summary>
    public sealed record Disconnect(string Reason);

    /// <summary>An input for the extension called <paramref name="Name"/> (BEP 10), passed to it unread.</summary>
    public sealed record ToExtension(string Name, object Input);

    private readonly SwarmContext _ctx;
    private readonly IPEndPoint _remote;
    private readonly IPeerDialer _dialer;
    private readonly Handshake? _acceptedHandshake;
    private readonly InfoHash? _dialHash; // a dialled peer's handshake hash when not the torrent's (a hybrid's v2 hash)
    private readonly byte[] _initialBytes;
    private readonly DiskCredit _diskCredit;
    private readonly PeerSessionContext _sessionContext;
    private readonly PeerSession _session;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IPeerTransport? _transport;
    private IActorRef _inbound = ActorRefs.Nobody;
    private IActorRef _outbound = ActorRefs.Nobody;
    private string _closeReason = "closed";
    private bool _failed, _banned;
    private bool _handshakeSent; // a handed-over connection: our handshake went out before
    private TimeSpan? _handshakeRoundTrip; // and its round trip, measured then
    // The current behaviour (Connecting → Handshaking → Active): a switch over the message, not ReceiveActor's handlers,
    // whose matching runs as an interpreted expression tree when the host generates no code (docs/decisions.md,
    // "Hot actors match with a switch").
    private Func<object, bool> _behaviour;

    public PeerConnection(SwarmContext ctx, IPEndPoint remote, IPeerTransport? accepted, Handshake? acceptedHandshake, byte[] initialBytes, IPeerDialer? dialer = null,
        InfoHash? dialHash = null)
    {
        _ctx = ctx;
        _dialHash = dialHash;
        _remote = remote;
        _dialer = dialer ?? ctx.Dialer;
        _transport = accepted;
        _acceptedHandshake = acceptedHandshake;
        _initialBytes = initialBytes;
        _diskCredit = new DiskCredit(ctx.Settings.DiskCreditBlocks, ctx.DiskBudget);
        _sessionContext = new PeerSessionContext(ctx.InfoHash, ctx.OurId, ctx.Layout, ctx.Settings)
        {
            Extensions = ctx.Extensions,
            ListenPort = ctx.ListenPort,
            RemoteAddress = remote.Address,
            DhtPort = ctx.DhtPort,
            Merkle = ctx.Merkle,
            V2InfoHash = ctx.V2InfoHash,
        };
        _session = new PeerSession(_sessionContext, this, Now);
        _behaviour = _transport is null ? Connecting : Handshaking;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Dial <paramref name="remote"/> (with <paramref name="dialer"/>, else the swarm's dialer), and handshake with
    /// <paramref name="infoHash"/> (a hybrid's v2 hash for a peer learnt in its v2 swarm), else the torrent's.
    /// </summary>
    public static Props Outgoing(SwarmContext ctx, IPEndPoint remote, IPeerDialer? dialer = null, InfoHash? infoHash = null)
        => ActorProps.Of(() => new PeerConnection(ctx, remote, null, null, Array.Empty<byte>(), dialer, infoHash));

    /// <summary>A connection the listener accepted, whose handshake it has already read and routed.</summary>
    public static Props Incoming(SwarmContext ctx, IPEndPoint remote, IPeerTransport transport, Handshake handshake, byte[] initialBytes)
        => ActorProps.Of(() => new PeerConnection(ctx, remote, transport, handshake, initialBytes));

    /// <summary>
    /// A connection a magnet's metadata fetch dialled: both handshakes are done (ours is not sent again), and the peer's
    /// messages since are read first.
    /// </summary>
    public static Props HandedOver(SwarmContext ctx, PeerManager.HandedOver m)
        => ActorProps.Of(() => new PeerConnection(ctx, m.Remote, m.Transport, m.Handshake, m.InitialBytes, null, null) { _handshakeSent = true, _handshakeRoundTrip = m.RoundTrip });

    /// <summary>A child dying stops the peer: no half-connections.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        if (_transport is null)
        {
            ConnectAsync(_dialer, _remote, _ctx.Settings.ConnectTimeout).PipeTo(Self,
                success: t => new Connected(t), failure: e => new ConnectFailed(e.GetBaseException().Message));
        }
        else
        {
            StartChildren(expectHandshake: false);
            if (_handshakeRoundTrip is { } rtt) _session.OnHandshakeSent(Now - rtt);
            OnHandshake(_acceptedHandshake!.Value);
        }
        Timers.StartSingleTimer("handshake-timeout", HandshakeTimedOut.Instance, _ctx.Settings.HandshakeTimeout);
    }

    protected override void PostStop()
    {
        Context.Parent.Tell(new PeerManager.PeerDisconnected(_remote, _session.RemoteId, _closeReason, _failed, _banned, _session.Downloaded, _session.Uploaded,
            OverTcp: _transport is not null && !OverUtp));
        // Blocks of ours still on their way to the disk no longer count against the engine-wide cap.
        _diskCredit.Close();
        if (_transport is not null && _inbound.IsNobody()) _transport.Dispose();
    }

    private static async Task<IPeerTransport> ConnectAsync(IPeerDialer dialer, IPEndPoint remote, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await dialer.ConnectAsync(remote, cts.Token).ConfigureAwait(false);
    }

    protected override void OnReceive(object message)
    {
        if (!_behaviour(message)) Unhandled(message);
    }

    private bool Connecting(object message)
    {
        switch (message)
        {
            case Connected m:
                _transport = m.Transport;
                StartChildren(expectHandshake: true); // our handshake goes out first: its answer times the round trip
                _session.OnHandshakeSent(Now);
                _behaviour = Handshaking;
                return true;
            case ConnectFailed m: Close("connect failed: " + m.Reason, failed: true, ban: false); return true;
            case HandshakeTimedOut: Close("connect timed out", failed: true, ban: false); return true;
            default: return true; // anything else before the connection: dropped
        }
    }

    private bool Handshaking(object message)
    {
        switch (message)
        {
            case PeerInbound.HandshakeReceived m: OnHandshake(m.Handshake); return true;
            case HandshakeTimedOut: Close("no handshake", failed: true, ban: false); return true;
            default: return SocketEvents(message);
        }
    }

    private bool Active(object message)
    {
        switch (message)
        {
            case PeerMessage m: _session.OnMessage(m, Now); return true;
            case PeerInbound.Received m: _session.OnMessages(m.Messages, Now); return true;
            case PieceManager.Welcome m: _session.OnWelcome(m.Have, Now); return true;
            case PieceManager.Interest m: _session.OnInterest(m.Interested, Now); return true;
            case PieceManager.BlocksAssigned m: _session.OnBlocksAssigned(m.Blocks, Now); return true;
            case PieceManager.CancelBlock m: _session.OnCancelBlock(m.Block, Now); return true;
            case PieceManager.Reclaim m: _session.OnReclaim(m.Blocks, Now); return true;
            case PieceManager.HaveBroadcast m: _session.OnWeHave(m.Piece, Now); return true;
            case PieceManager.BanPeer m: _session.OnBanned(m.Reason); return true;
            case PieceManager.AskHashes m: Send(m.Requests); return true;
            case SetChoke m: _session.OnChoke(m.Choke, Now); return true;
            case ToExtension m: _session.OnExtensionInput(m.Name, m.Input, Now); return true;
            case PeerOutbound.Sent m: _session.OnSent(m.QueuedBytes, Now, m.PieceBytes); return true;
            case PeerOutbound.PieceUnavailable m:
                // Data we verified is gone from the disk: the piece manager takes those pieces back and checks them again.
                if (m.Lost is { } lost) _ctx.PieceManager.Tell(new PieceManager.PiecesLost(lost.First, lost.Last, m.Reason));
                _session.OnPieceUnavailable(m.Block, m.Reason, Now);
                return true;
            case PieceManager.PieceGone m: _session.OnWeLost(m.Piece, Now); return true;
            case LeavesRead m: _session.OnLeavesRead(m.Range, m.Hashes, Now); return true;
            case Tick: _session.OnTick(Now); return true;
            default: return SocketEvents(message);
        }
    }

    /// <summary>What the socket children tell in every state after they started.</summary>
    private bool SocketEvents(object message)
    {
        switch (message)
        {
            case Disconnect m: Close(m.Reason, failed: false, ban: false); return true;
            // Bytes that are no handshake are a failed connection, not a misbehaving peer: BiglyBT, dialled again at once,
            // sometimes writes its bitfield before its handshake. A violation after the handshakes bans.
            case PeerInbound.ViolationDetected m:
                Close($"protocol violation: {m.Violation.Kind} ({m.Violation.Detail})", failed: true, ban: m.Violation.Kind != ViolationKind.BadHandshake);
                return true;
            case PeerInbound.ReadEnded m: Close(m.Reason, failed: _session.RemoteId is null, ban: false); return true;
            case PeerOutbound.WriteEnded m: Close("write: " + m.Reason, failed: _session.RemoteId is null, ban: false); return true;
            case Terminated: Close(_closeReason == "closed" ? "socket closed" : _closeReason, failed: false, ban: false); return true;
            // Blocks told before the session started, or after it ended: their buffers and credits go back.
            case PeerMessage m: _session.OnMessage(m, Now); return true;
            case PeerInbound.Received m: _session.OnMessages(m.Messages, Now); return true;
            default: return true; // anything else: dropped
        }
    }

    private void StartChildren(bool expectHandshake)
    {
        var transport = _transport!;
        byte[]? handshake = null;
        if (!_handshakeSent)
        {
            handshake = new byte[Handshake.Length];
            // An accepted peer is answered with the hash it used (or upgraded to the v2 hash, BEP 52); a dialled one gets ours.
            var infoHash = _acceptedHandshake is { } theirs ? _sessionContext.AnswerTo(theirs) : _dialHash ?? _ctx.InfoHash;
            new Handshake(infoHash, _ctx.OurId, _sessionContext.OurReserved).WriteTo(handshake);
        }
        _outbound = Context.ActorOf(PeerOutbound.Props(transport, handshake, _ctx.Upload, _ctx.Blocks), "out");
        _inbound = Context.ActorOf(PeerInbound.Props(transport, expectHandshake, _initialBytes,
            _ctx.Pool, _ctx.Settings.MaxMessageLength, _diskCredit, _ctx.Download), "in");
        Context.Watch(_outbound);
        Context.Watch(_inbound);
    }

    private void OnHandshake(Handshake hs)
    {
        if (!_session.OnHandshake(hs, Now)) return;
        Timers.Cancel("handshake-timeout");
        _ctx.PieceManager.Tell(new PieceManager.PeerJoined(hs.PeerId, _remote, _session.RemoteSpeaksV2));
        Context.Parent.Tell(new PeerManager.PeerHandshaked(_remote, hs.PeerId));
        Timers.StartPeriodicTimer("tick", Tick.Instance, _ctx.Settings.TickInterval);
        _behaviour = Active;
    }

    // ---- IPeerEffects: what the session asks ------------------------------------------------------

    public void Send(PeerMessage message) => _outbound.Tell(message);
    public void Send(PeerMessage[] messages) => _outbound.Tell(new PeerOutbound.SendAll(messages));
    public void Upload(BlockRequest[] blocks) => _outbound.Tell(new PeerOutbound.SendPieces(blocks));
    public void AskForBlocks(int count) => _ctx.PieceManager.Tell(new PieceManager.RequestBlocks(count));
    public void ReleaseBlocks(BlockRequest[] blocks, bool cancelled) => _ctx.PieceManager.Tell(new PieceManager.ReleaseBlocks(blocks, cancelled));
    public void PaceChanged(PeerPace pace) => _ctx.PieceManager.Tell(new PieceManager.PeerPaced(pace));
    public void Deliver(PieceMessage block, int askFor) => _ctx.PieceManager.Tell(new PieceManager.BlockArrived(block, _diskCredit) { AskFor = askFor });
    public void Deliver(PieceMessage[] blocks, int askFor) => _ctx.PieceManager.Tell(new PieceManager.BlocksArrived(blocks, _diskCredit) { AskFor = askFor });
    public void PeerHas(int piece) => _ctx.PieceManager.Tell(new PieceManager.PeerHave(piece));
    public void PeerHas(Bitfield pieces) => _ctx.PieceManager.Tell(new PieceManager.PeerBitfield(pieces));
    public void PeerHasAll() => _ctx.PieceManager.Tell(new PieceManager.PeerHaveAll());
    public void HashAnswered(PeerMessage answer) => _ctx.PieceManager.Tell(new PieceManager.HashAnswered(answer));
    public void ReadLeaves(HashRange range, LeafAnswer.LeafPlan plan)
    {
        if (_ctx.Blocks is not { } blocks || _ctx.Merkle is not { } merkle)
        {
            Self.Tell(new LeavesRead(range, null));
            return;
        }
        var layout = _ctx.Layout;
        Task.Run(() => LeafReader.Answer(blocks, layout, merkle, range, plan)).PipeTo(Self,
            success: hashes => new LeavesRead(range, hashes), failure: _ => new LeavesRead(range, null));
    }

    public void ListenPort(int port) => Context.Parent.Tell(new PeerManager.PeerListenPort(port));
    public void Notify(object notification) => Context.Parent.Tell(notification);
    public void Warn(string message) => _log.Warning("{0}: {1}", _remote, message);

    public void Discard(PieceMessage block)
    {
        block.Data.Release();
        _diskCredit.Release();
    }

    public void StatsChanged()
    {
        var now = Now;
        var s = _session;
        Context.Parent.Tell(new PeerManager.PeerStats(_remote, s.RemoteId, s.DownloadRate(now), s.UploadRate(now), s.Downloaded, s.Uploaded,
            PeerInterested: s.PeerInterested, AmChoking: s.AmChoking, AmInterested: s.AmInterested, PeerChoking: s.PeerChoking,
            LastBlockAt: s.LastBlockAt, ConnectedAt: s.ConnectedAt, PiecesHave: s.PiecesHave, Snubbed: s.IsSnubbed(now))
        {
            Encrypted = _transport is EncryptedTransport { Cipher: Core.Encryption.MseCrypto.Rc4 },
            Utp = OverUtp,
        });
    }

    private bool OverUtp => _transport is Utp.UtpTransport or EncryptedTransport { Inner: Utp.UtpTransport };

    public void Close(string reason, bool failed, bool ban)
    {
        _closeReason = reason;
        _failed |= failed;
        _banned |= ban;
        Context.Stop(Self);
    }

    private sealed record Connected(IPeerTransport Transport);
    private sealed record LeavesRead(HashRange Range, byte[]? Hashes);
    private sealed record ConnectFailed(string Reason);
    private sealed class HandshakeTimedOut { public static readonly HandshakeTimedOut Instance = new(); }
    private sealed class Tick { public static readonly Tick Instance = new(); }
}
