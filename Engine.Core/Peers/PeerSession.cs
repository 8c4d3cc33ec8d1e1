using Engine.Core.Bencode;
using Engine.Core.Extensions;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Core.Peers;

/// <summary>
/// The BitTorrent peer protocol of one connection, as a pure state machine: inputs are the peer's decoded messages,
/// timer ticks and the managers' decisions (interest, blocks to request, choking); each input's consequences are
/// asked of an <see cref="IPeerEffects"/> — messages to send, blocks to request, release or deliver, pieces the peer
/// has, the connection to close. No actor, socket or clock: time comes in as <c>now</c>, so every rule is tested
/// without a network (Engine.Tests/Core/Peers). The actor <c>PeerConnection</c> is its shell.
/// <para>Downloading: the piece manager decides our interest and hands out blocks; we keep up to the
/// <see cref="RequestPipeline"/>'s depth outstanding. Uploading: the peer manager decides choking; requests from an
/// unchoked peer wait in arrival order and are handed to the write loop while its queue is short.</para>
/// The session's parts: this file (handshake, dispatch, lifecycle), <c>PeerSession.Download.cs</c>,
/// <c>PeerSession.Upload.cs</c> and <c>PeerSession.Timers.cs</c>.
/// </summary>
internal sealed partial class PeerSession
{
    private readonly PeerSessionContext _ctx;
    private readonly PeerSettings _settings;
    private readonly IPeerEffects _fx;
    private readonly ExtensionSet _extensions;
    private Bitfield _remoteHas;
    private Bitfield _ourHave;
    private bool _bitfieldSeen;
    private bool _started;
    private DateTimeOffset _lastReceived;
    private DateTimeOffset _lastSent;
    private DateTimeOffset? _handshakeSentAt;

    public PeerSession(PeerSessionContext context, IPeerEffects effects, DateTimeOffset now)
    {
        _ctx = context;
        _settings = context.Settings;
        _fx = effects;
        _extensions = context.Extensions.Open(effects);
        _remoteHas = new Bitfield(context.Layout.PieceCount);
        _ourHave = new Bitfield(context.Layout.PieceCount);
        ConnectedAt = _lastReceived = _lastSent = now;
    }

    public PeerId? RemoteId { get; private set; }
    public bool RemoteSupportsFast { get; private set; }
    public bool RemoteSupportsExtensions { get; private set; }

    /// <summary>The connection speaks BEP 52 (<see cref="PeerSessionContext.SpeaksV2"/>): only such peers are sent hash requests.</summary>
    public bool RemoteSpeaksV2 { get; private set; }
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>The connection has ended (a close was asked for); every later input only releases block buffers.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>How many pieces the peer has told us it has.</summary>
    public int PiecesHave => _remoteHas.SetCount;

    /// <summary>
    /// We sent our handshake first (an outgoing connection, once connected): the peer's answer measures the round trip,
    /// which sizes the first request pipeline.
    /// </summary>
    public void OnHandshakeSent(DateTimeOffset now) => _handshakeSentAt ??= now;

    /// <summary>
    /// The peer's handshake. A handshake for another torrent, or from ourselves, closes the connection; otherwise
    /// the session starts (and sends our extension handshake when the peer speaks BEP 10). True when started.
    /// </summary>
    public bool OnHandshake(Handshake theirs, DateTimeOffset now)
    {
        if (IsClosed || _started) return false;
        if (!_ctx.IsOurs(theirs.InfoHash)) return Close("handshake for another torrent", failed: true);
        if (theirs.PeerId.Equals(_ctx.OurId)) return Close("connected to ourselves", failed: true, ban: true);
        _started = true;
        RemoteId = theirs.PeerId;
        RemoteSupportsFast = theirs.SupportsFast;
        RemoteSupportsExtensions = theirs.SupportsExtensions;
        RemoteSpeaksV2 = _ctx.SpeaksV2(theirs);
        _lastReceived = now;
        if (_handshakeSentAt is { } sent) _pipeline.OnRoundTrip(now - sent);
        if (RemoteSupportsExtensions) Send(new Extended(0, ExtensionHandshake()), now);
        if (theirs.SupportsDht && _ctx.DhtPort is > 0 and <= 65535) Send(new Port((ushort)_ctx.DhtPort), now);
        return true;
    }

    /// <summary>Our pieces, from the piece manager once the peer joined: we announce them.</summary>
    public void OnWelcome(Bitfield have, DateTimeOffset now)
    {
        if (IsClosed) return;
        _ourHave = have.Clone();
        if (RemoteSupportsFast && have.AllSet) Send(HaveAll.Instance, now);
        else if (RemoteSupportsFast && have.NoneSet) Send(HaveNone.Instance, now);
        else if (!have.NoneSet) Send(new BitfieldMessage(have.ToWire()), now);
        CloseIfBothSeeds();
    }

    /// <summary>We verified a piece: the peer hears of it unless it has it already (it cannot request it from us).</summary>
    public void OnWeHave(int piece, DateTimeOffset now)
    {
        if (IsClosed) return;
        _ourHave[piece] = true;
        if (!_remoteHas[piece]) Send(new Have(piece), now);
        CloseIfBothSeeds();
    }

    /// <summary>The piece manager bans the peer (it sent bad data).</summary>
    public void OnBanned(string reason) => Close("banned: " + reason, failed: true, ban: true);

    /// <summary>An input for one of our extensions, from our side; false when no extension has that name.</summary>
    public bool OnExtensionInput(string name, object input, DateTimeOffset now) => !IsClosed && _extensions.Deliver(name, input, now);

    /// <summary>One message from the peer.</summary>
    public void OnMessage(PeerMessage message, DateTimeOffset now)
    {
        if (!_started || IsClosed) { Drop(message); return; }
        if (message is not PieceMessage)
        {
            Handle(message, now);
            return;
        }
        _batching = true;
        try { Handle(message, now); }
        finally { _batching = false; }
        DeliverArrived(); // the block and the ask for more in one hand-off
    }

    /// <summary>
    /// The messages of one socket read, in order: the blocks among them are delivered together, after the read's
    /// other messages, and more blocks are asked for once, in the same hand-off. After a message that closes the connection the rest are dropped.
    /// </summary>
    public void OnMessages(PeerMessage[] messages, DateTimeOffset now)
    {
        _batching = true;
        try
        {
            foreach (var message in messages)
            {
                if (!_started || IsClosed) Drop(message);
                else Handle(message, now);
            }
        }
        finally
        {
            _batching = false;
        }
        DeliverArrived(); // with the ask for more blocks
    }

    private void Handle(PeerMessage message, DateTimeOffset now)
    {
        _lastReceived = now;
        if (MessageValidator.Validate(message, _ctx.Layout) is { } violation)
        {
            Drop(message);
            Close($"protocol violation: {violation.Kind} ({violation.Detail})", failed: true, ban: true);
            return;
        }
        if (!RemoteSupportsFast && message is HaveAll or HaveNone or Wire.Reject or AllowedFast or Suggest)
        {
            Close($"protocol violation: {message.GetType().Name.ToLowerInvariant()} without the fast extension", failed: true);
            return;
        }
        switch (message)
        {
            case PieceMessage piece: OnPiece(piece, now); break;
            case Choke: OnChoked(); break;
            case Unchoke: OnUnchoked(now); break;
            case Interested: SetPeerInterested(true); break;
            case NotInterested: SetPeerInterested(false); break;
            case Have have: OnHave(have.Piece); break;
            case BitfieldMessage bitfield: OnBitfield(bitfield); break;
            case HaveAll: OnHaveAll(); break;
            case HaveNone: _bitfieldSeen = true; break;
            case Request request: OnRequest(request.Block, now); break;
            case Cancel cancel: OnCancel(new BlockRequest(cancel.Piece, cancel.Offset, cancel.Length), now); break;
            case Wire.Reject reject: OnReject(new BlockRequest(reject.Piece, reject.Offset, reject.Length)); break;
            case Extended ext: OnExtended(ext, now); break;
            case Port port when port.ListenPort > 0: _fx.Notify(new DhtPortAnnounced(port.ListenPort)); break;
            case HashRequest hashRequest: OnHashRequest(hashRequest.Range, now); break;
            case Hashes or HashReject: OnHashAnswer(message); break;
            default: break; // keep-alive, port, suggest, allowed-fast: nothing to do (yet)
        }
    }

    private void OnHave(int piece)
    {
        if (_remoteHas[piece]) return;
        _remoteHas[piece] = true;
        _fx.PeerHas(piece);
        CloseIfBothSeeds();
    }

    private void OnBitfield(BitfieldMessage bitfield)
    {
        // BEP 3 allows a bitfield only first, but aria2 sends one mid-session (after have-none and haves):
        // a late bitfield adds to what we knew — a peer never loses pieces.
        var has = Bitfield.FromWire(bitfield.Bits, _ctx.Layout.PieceCount);
        if (_bitfieldSeen)
            for (var i = _remoteHas.NextSet(0); i >= 0; i = _remoteHas.NextSet(i + 1)) has[i] = true;
        _bitfieldSeen = true;
        _remoteHas = has;
        if (CloseIfBothSeeds()) return;
        _fx.PeerHas(_remoteHas.Clone());
    }

    private void OnHaveAll()
    {
        _bitfieldSeen = true;
        _remoteHas.SetAll();
        if (CloseIfBothSeeds()) return;
        _fx.PeerHasAll();
    }

    private void OnExtended(Extended ext, DateTimeOffset now)
    {
        if (ext.ExtendedId == 0) { ReadExtensionHandshake(ext.Payload, now); return; }
        try { _extensions.Dispatch(ext.ExtendedId, ext.Payload, now); }
        catch (ExtensionException) { /* a malformed extension message loses only itself */ }
    }

    private byte[] ExtensionHandshake()
    {
        var d = new BDictionaryBuilder();
        _extensions.WriteHandshake(d);
        if (_ctx.ListenPort is > 0 and <= 65535) d.Add("p", _ctx.ListenPort);
        d.Add("reqq", _settings.AdvertisedRequestQueue);
        d.Add("v", _ctx.Client);
        if (_ctx.RemoteAddress is { } remote) d.Add("yourip", Extensions.ExtensionHandshake.CompactAddress(remote));
        return d.ToArray();
    }

    private void ReadExtensionHandshake(byte[] payload, DateTimeOffset now)
    {
        ExtensionHandshake theirs;
        try { theirs = Extensions.ExtensionHandshake.Decode(payload); }
        catch (ExtensionException) { return; } // a malformed extension handshake only loses the hints
        if (theirs.RequestQueue is { } reqq) _pipeline.SetPeerMaxRequests(Math.Min(reqq, 2000));
        if (theirs.ListenPort is { } port) _fx.ListenPort(port);
        if (theirs.YourIp is { } ours) _fx.Notify(new YourAddressReported(ours));
        _extensions.OnHandshake(theirs, now);
    }

    /// <summary>Two seeds have nothing to give each other: the connection is closed.</summary>
    private bool CloseIfBothSeeds()
    {
        if (!_ourHave.AllSet || !_remoteHas.AllSet) return false;
        Close(BothSeedsReason, failed: false);
        return true;
    }

    public const string BothSeedsReason = "both seeds";

    private void Send(PeerMessage message, DateTimeOffset now)
    {
        _lastSent = now;
        _fx.Send(message);
    }

    /// <summary>A message that will not be handled: a block's buffer and credit go back.</summary>
    private void Drop(PeerMessage message)
    {
        if (message is PieceMessage piece) _fx.Discard(piece);
    }

    /// <summary>Ends the session (once). Always false, so that a rule can <c>return Close(...)</c>.</summary>
    private bool Close(string reason, bool failed, bool ban = false)
    {
        if (IsClosed) return false;
        IsClosed = true;
        _fx.Close(reason, failed, ban);
        return false;
    }
}
