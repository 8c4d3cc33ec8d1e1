using Akka.Actor;
using Akka.Event;
using Engine.Core.Bencode;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Pieces;

namespace Engine.Peers;

public sealed partial class PeerConnection
{
    /// <summary>From the PeerManager's choker: choke or unchoke this peer for upload.</summary>
    public sealed record SetChoke(bool Choke);

    private void Active()
    {
        // --- from the remote peer (via the inbound child) ---
        Receive<PeerMessage>(OnPeerMessage);
        Receive<PeerInbound.Received>(OnReceived);

        // --- from the PieceManager ---
        Receive<PieceManager.Welcome>(m =>
        {
            _ourHave = m.Have;
            SendOurPieces(m.Have);
            CloseIfBothSeeds();
        });
        Receive<PieceManager.Interest>(m => SetInterested(m.Interested));
        Receive<PieceManager.BlocksAssigned>(OnBlocksAssigned);
        Receive<PieceManager.CancelBlock>(m =>
        {
            if (_outstanding.Remove(m.Block))
                _outbound.Tell(new Cancel(m.Block.Piece, m.Block.Offset, m.Block.Length));
        });
        Receive<PieceManager.HaveBroadcast>(m =>
        {
            _ourHave[m.Piece] = true;
            // A peer that has the piece does not need to hear of it (it cannot request it from us).
            if (!_remoteHas[m.Piece]) _outbound.Tell(new Have(m.Piece));
            CloseIfBothSeeds();
        });
        Receive<PieceManager.BanPeer>(m => Close("banned: " + m.Reason, failed: true, ban: true));

        // --- from the PeerManager ---
        Receive<SetChoke>(m => SetChoking(m.Choke));

        // --- from the outbound child ---
        Receive<PeerOutbound.PieceUnavailable>(OnPieceUnavailable);
        Receive<PeerOutbound.Sent>(m =>
        {
            _outboundQueued = m.QueuedBytes;
            PumpUploads();
        });

        Receive<Tick>(_ => OnTick());
        CommonLifecycle();
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private void OnPeerMessage(PeerMessage message)
    {
        if (_log.IsDebugEnabled && message is not PieceMessage && message is not Have)
            _log.Debug("{0} <- {1} (outstanding {2}, depth {3})", _remote, message, _outstanding.Count, _pipeline.Depth);
        _lastReceived = Now;
        var violation = MessageValidator.Validate(message, _ctx.Layout);
        if (violation is not null)
        {
            if (message is PieceMessage bad) { bad.Data.Release(); _diskCredit.Release(); }
            Close($"protocol violation: {violation.Kind} ({violation.Detail})", failed: true, ban: true);
            return;
        }
        switch (message)
        {
            case PieceMessage piece: OnPiece(piece); break;
            case KeepAlive: break;
            case Choke:
                _peerChoking = true;
                _unchokedUsAt = null;
                if (!_remoteFast) ReleaseOutstanding();
                break;
            case Unchoke:
                _peerChoking = false;
                _unchokedUsAt = Now;
                _pipeline.Reset();
                RequestMore();
                break;
            case Interested:
                _peerInterested = true;
                ReportStats();
                break;
            case NotInterested:
                _peerInterested = false;
                ReportStats();
                break;
            case Have have:
                if (!_remoteHas[have.Piece])
                {
                    _remoteHas[have.Piece] = true;
                    _ctx.PieceManager.Tell(new PieceManager.PeerHave(have.Piece));
                    CloseIfBothSeeds();
                }
                break;
            case BitfieldMessage bitfield:
                {
                    // BEP 3 allows a bitfield only first, but aria2 sends one mid-session (after have-none and
                    // haves): a late bitfield adds to what we knew — a peer never loses pieces.
                    var has = Bitfield.FromWire(bitfield.Bits, _ctx.Layout.PieceCount);
                    if (_bitfieldSeen)
                        for (var i = _remoteHas.NextSet(0); i >= 0; i = _remoteHas.NextSet(i + 1)) has[i] = true;
                    _bitfieldSeen = true;
                    _remoteHas = has;
                }
                if (CloseIfBothSeeds()) return;
                _ctx.PieceManager.Tell(new PieceManager.PeerBitfield(_remoteHas.Clone()));
                break;
            case HaveAll:
                _bitfieldSeen = true;
                _remoteHas.SetAll();
                if (CloseIfBothSeeds()) return;
                _ctx.PieceManager.Tell(new PieceManager.PeerHaveAll());
                break;
            case HaveNone:
                _bitfieldSeen = true;
                break;
            case Request request: OnRequest(request.Block); break;
            case Cancel cancel:
                OnCancel(new BlockRequest(cancel.Piece, cancel.Offset, cancel.Length));
                break;
            case Reject reject:
                {
                    var block = new BlockRequest(reject.Piece, reject.Offset, reject.Length);
                    if (_outstanding.Remove(block))
                    {
                        _ctx.PieceManager.Tell(new PieceManager.ReleaseBlocks([block]));
                        RequestMore();
                    }
                    break;
                }
            case Extended ext when ext.ExtendedId == 0:
                ReadExtendedHandshake(ext.Payload);
                break;
            case Extended ext when ext.ExtendedId == MetadataId:
                OnMetadataMessage(ext.Payload);
                break;
            default:
                break; // port, suggest, allowed-fast, other extensions: not used yet
        }
    }

    /// <summary>
    /// The messages of one socket read: the blocks among them go to the PieceManager together, in one message,
    /// and more blocks are asked for once. After a message that closes the connection the rest are dropped.
    /// </summary>
    private void OnReceived(PeerInbound.Received batch)
    {
        _batching = true;
        try
        {
            foreach (var message in batch.Messages)
            {
                if (_stopping) DropMessage(message);
                else OnPeerMessage(message);
            }
        }
        finally
        {
            _batching = false;
        }
        ForwardArrived();
        if (!_stopping) RequestMore();
    }

    private void DropMessage(PeerMessage message)
    {
        if (message is not PieceMessage piece) return;
        piece.Data.Release();
        _diskCredit.Release();
    }

    /// <summary>Hands the blocks accepted from one read to the PieceManager (their buffers and credits with them).</summary>
    private void ForwardArrived()
    {
        if (_arrived.Count == 0) return;
        if (_arrived.Count == 1) _ctx.PieceManager.Tell(new PieceManager.BlockArrived(_arrived[0], _diskCredit));
        else _ctx.PieceManager.Tell(new PieceManager.BlocksArrived(_arrived.ToArray(), _diskCredit));
        _arrived.Clear();
    }

    private void OnPiece(PieceMessage piece)
    {
        var block = new BlockRequest(piece.Piece, piece.Offset, piece.Data.Length);
        if (!_outstanding.Remove(block, out var requestedAt))
        {
            // Not requested (or cancelled and arrived anyway): drop it.
            piece.Data.Release();
            _diskCredit.Release();
            return;
        }
        _lastBlockAt = Now;
        if (requestedAt > _newestServedRequest) _newestServedRequest = requestedAt;
        _receivedSinceTick += block.Length;
        _download.Add(block.Length, Now);
        if (_batching)
        {
            _arrived.Add(piece); // forwarded with the rest of the read, then more are requested
            return;
        }
        _ctx.PieceManager.Tell(new PieceManager.BlockArrived(piece, _diskCredit));
        RequestMore();
    }

    private void SendOurPieces(Bitfield have)
    {
        if (_remoteFast && have.AllSet) _outbound.Tell(HaveAll.Instance);
        else if (_remoteFast && have.NoneSet) _outbound.Tell(HaveNone.Instance);
        else if (!have.NoneSet) _outbound.Tell(new BitfieldMessage(have.ToWire()));
    }

    private void SetInterested(bool interested)
    {
        if (interested == _amInterested) return;
        _amInterested = interested;
        _outbound.Tell(interested ? Interested.Instance : NotInterested.Instance);
        if (interested) RequestMore();
    }

    private void RequestMore()
    {
        if (!_amInterested || _peerChoking || _blocksRequested) return;
        var want = _pipeline.Depth - _outstanding.Count;
        if (want <= 0 || want < _pipeline.Depth / 4 && _outstanding.Count > 0) return;
        _blocksRequested = true;
        _ctx.PieceManager.Tell(new PieceManager.RequestBlocks(want));
    }

    private void OnBlocksAssigned(PieceManager.BlocksAssigned m)
    {
        _blocksRequested = false;
        if (_peerChoking || !_amInterested)
        {
            if (m.Blocks.Length > 0) _ctx.PieceManager.Tell(new PieceManager.ReleaseBlocks(m.Blocks));
            return;
        }
        var now = Now;
        if (_outstanding.Count == 0) _lastBlockAt = now;
        var requests = new PeerMessage[m.Blocks.Length];
        var n = 0;
        foreach (var b in m.Blocks)
            if (_outstanding.TryAdd(b, now))
                requests[n++] = new Request(b.Piece, b.Offset, b.Length);
        if (n == 1) _outbound.Tell(requests[0]);
        else if (n > 1) _outbound.Tell(new PeerOutbound.SendAll(n == requests.Length ? requests : requests[..n]));
    }

    private void ReleaseOutstanding()
    {
        if (_outstanding.Count == 0) return;
        var blocks = new BlockRequest[_outstanding.Count];
        _outstanding.Keys.CopyTo(blocks, 0);
        _outstanding.Clear();
        _ctx.PieceManager.Tell(new PieceManager.ReleaseBlocks(blocks));
    }

    private void ReadExtendedHandshake(byte[] payload)
    {
        try
        {
            if (BencodeReader.Decode(payload, BencodeOptions.Metainfo) is not BDictionary d) return;
            if (d.TryGet<BInteger>("reqq", out var reqq) && reqq.Value > 0)
                _pipeline.SetPeerMaxRequests((int)Math.Min(reqq.Value, 2000));
            if (d.TryGet<BInteger>("p", out var port) && port.Value is > 0 and <= 65535)
                Context.Parent.Tell(new PeerManager.PeerListenPort((int)port.Value));
            ReadMetadataId(d);
        }
        catch (BencodeException)
        {
            // A malformed extension handshake only loses the hint.
        }
    }

    // ---- upload ---------------------------------------------------------------------------------
    // A request is served only while the peer is unchoked and only for pieces we have (the validator has
    // already dropped peers whose requests are longer than 16 KiB or reach past their piece). Requests wait
    // in arrival order and are handed to the write loop, which reads each block just before sending it, only
    // while the outbound queue is short, so a slow (or rate-limited) socket holds them here. Cancel removes a
    // request that has not been handed on; one handed on goes out anyway, which answers the cancel too. Choking
    // discards the requests held here; those handed on are sent before the choke, which is queued after them.
    // With the fast extension every request not served is rejected.

    private const long MaxOutboundQueued = 512 * 1024;
    private const int MaxHandedAtOnce = 32;

    private void SetChoking(bool choke)
    {
        if (choke == _amChoking) return;
        _amChoking = choke;
        _outbound.Tell(choke ? Choke.Instance : Unchoke.Instance);
        if (choke) DiscardRequests();
        else _chokedRequests = 0;
        ReportStats();
    }

    private void DiscardRequests()
    {
        if (_remoteFast)
            foreach (var b in _requests) Reject(b);
        _requests.Clear();
        _uploadQueue.Clear();
    }

    private void Reject(BlockRequest b) => _outbound.Tell(new Reject(b.Piece, b.Offset, b.Length));

    private void OnRequest(BlockRequest block)
    {
        if (_amChoking)
        {
            if (_remoteFast) Reject(block);
            if (++_chokedRequests > _ctx.Settings.ChokedRequestGrace)
                Close($"sent {_chokedRequests} requests while choked", failed: true, ban: true);
            return;
        }
        if (!_ourHave[block.Piece])
        {
            if (_remoteFast) Reject(block);
            return;
        }
        if (_requests.Contains(block)) return; // a duplicate: one copy is enough
        if (_requests.Count >= _ctx.Settings.MaxQueuedUploadRequests || _uploadQueue.Count >= 2 * _ctx.Settings.MaxQueuedUploadRequests)
        {
            Close($"more than {_ctx.Settings.MaxQueuedUploadRequests} queued requests", failed: true);
            return;
        }
        _requests.Add(block);
        _uploadQueue.Enqueue(block);
        PumpUploads();
    }

    private void OnCancel(BlockRequest block)
    {
        // A block already handed to the outbound queue goes out anyway; that answers the cancel too.
        if (_requests.Remove(block) && _remoteFast) Reject(block);
    }

    /// <summary>
    /// Hands queued requests to the write loop while the outbound queue is short (upload backpressure), all that
    /// may go now in one message. They count as uploaded from here: a peer that closes right after its last block
    /// must not make the final batch's acknowledgement (which may never be processed) vanish from the total.
    /// </summary>
    private void PumpUploads()
    {
        BlockRequest[]? batch = null;
        var n = 0;
        var now = Now;
        while (_uploadQueue.Count > 0 && _outboundQueued < MaxOutboundQueued)
        {
            var block = _uploadQueue.Dequeue();
            if (!_requests.Remove(block)) continue; // cancelled, or a stale duplicate
            _outboundQueued += MessageWriter.PieceHeaderLength + block.Length;
            _upload.Add(block.Length, now);
            (batch ??= new BlockRequest[Math.Min(_uploadQueue.Count + 1, MaxHandedAtOnce)])[n++] = block;
            if (n < batch.Length) continue;
            _outbound.Tell(new PeerOutbound.SendPieces(batch));
            (batch, n) = (null, 0);
        }
        if (n > 0) _outbound.Tell(new PeerOutbound.SendPieces(batch![..n]));
    }

    /// <summary>A block handed on could not be read: it was not sent, and with the fast extension it is rejected.</summary>
    private void OnPieceUnavailable(PeerOutbound.PieceUnavailable m)
    {
        if (_unreadableBlocks++ == 0) // the first one per connection is enough to say what is wrong
            _log.Warning("{0}: block {1} could not be read for upload: {2}", _remote, m.Block, m.Reason);
        if (_remoteFast) Reject(m.Block);
    }

    /// <summary>Two seeds have nothing to give each other: the connection is closed.</summary>
    private bool CloseIfBothSeeds()
    {
        if (!_ourHave.AllSet || !_remoteHas.AllSet) return false;
        Close(BothSeedsReason, failed: false);
        return true;
    }

    public const string BothSeedsReason = "both seeds";

    // ---- timers -----------------------------------------------------------------------------------

    private void OnTick()
    {
        var now = Now;
        if (now - _lastReceived > _ctx.Settings.SilenceTimeout)
        {
            Close("silent for " + _ctx.Settings.SilenceTimeout, failed: false);
            return;
        }
        // Only a sample in which blocks arrived says anything about the peer's speed (not the wait for an unchoke).
        if (!_peerChoking && _amInterested && _receivedSinceTick > 0) _pipeline.UpdateRate(_download.Rate(now));
        _receivedSinceTick = 0;
        ReleaseSkippedBlocks(now);
        if (_log.IsDebugEnabled && _outstanding.Count > 0)
            _log.Debug("{0} tick: outstanding {1}, depth {2}, rate {3:F0}, choked {4}, interested {5}", _remote, _outstanding.Count, _pipeline.Depth, _download.Rate(now), _peerChoking, _amInterested);
        if (_outstanding.Count > 0 && now - _lastBlockAt > _ctx.Settings.RequestTimeout)
        {
            // Snubbed: give its blocks to others; it may still get new ones later.
            ReleaseOutstanding();
            _lastBlockAt = now;
        }
        RequestMore();
        ReportStats();
    }

    /// <summary>
    /// Peers serve requests in order. A block still outstanding well after blocks requested later than it
    /// have arrived was skipped (dropped from an overfull queue, or lost): cancel it and give it back, so it
    /// is requested again — from this peer or another — instead of holding the piece (and the torrent, at
    /// 99 %) until the whole-connection timeout.
    /// </summary>
    private void ReleaseSkippedBlocks(DateTimeOffset now)
    {
        if (_outstanding.Count == 0) return;
        List<BlockRequest>? skipped = null;
        foreach (var (block, requestedAt) in _outstanding)
            if (now - requestedAt > _ctx.Settings.SkippedBlockTimeout && _newestServedRequest - requestedAt > TimeSpan.FromSeconds(1))
                (skipped ??= new List<BlockRequest>()).Add(block);
        if (skipped is null) return;
        foreach (var block in skipped)
        {
            _outstanding.Remove(block);
            _outbound.Tell(new Cancel(block.Piece, block.Offset, block.Length));
        }
        _log.Debug("{0}: {1} skipped blocks re-queued", _remote, skipped.Count);
        _ctx.PieceManager.Tell(new PieceManager.ReleaseBlocks(skipped.ToArray()));
    }

    private void ReportStats()
    {
        var now = Now;
        Context.Parent.Tell(new PeerManager.PeerStats(
            Remote: _remote,
            PeerId: _remoteId,
            DownloadRate: _download.Rate(now),
            UploadRate: _upload.Rate(now),
            Downloaded: _download.Total,
            Uploaded: _upload.Total,
            PeerInterested: _peerInterested,
            AmChoking: _amChoking,
            AmInterested: _amInterested,
            PeerChoking: _peerChoking,
            LastBlockAt: _lastBlockAt,
            ConnectedAt: _connectedAt,
            PiecesHave: _remoteHas.SetCount,
            Snubbed: _amInterested && !_peerChoking && Engine.Core.Choking.Choker.IsSnubbed(_unchokedUsAt?.UtcDateTime,
                _lastBlockAt == default ? null : _lastBlockAt.UtcDateTime, now.UtcDateTime)));
    }
}
