using Engine.Core.Diagnostics;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Core.Peers;

/// <summary>
/// Uploading to the peer. A request is served only while the peer is unchoked and only for a piece we have (the
/// validator has already dropped peers whose requests are longer than 16 KiB or reach past their piece). Requests
/// wait in arrival order and are handed to the write loop — which reads each block just before sending it — only
/// while the outbound queue is short, so a slow (or rate-limited) socket holds them here. A cancel removes a request
/// not yet handed on; one handed on goes out anyway, which answers the cancel too. Choking discards the requests held
/// here; those handed on are sent before the choke, which is queued after them, so no piece ever follows a choke.
/// With the fast extension every request not served is rejected.
/// </summary>
internal sealed partial class PeerSession
{
    /// <summary>Bytes queued in the write loop above which no more requests are handed on, at any rate.</summary>
    public const long MaxOutboundQueued = 512 * 1024;

    /// <summary>Bytes the write loop may always hold: two blocks, so that one is sent while the next is read.</summary>
    public const long MinOutboundQueued = 2 * (MessageWriter.PieceHeaderLength + 16 * 1024);

    /// <summary>Most blocks handed on in one <see cref="IPeerEffects.Upload"/>.</summary>
    public const int MaxHandedAtOnce = 32;

    private readonly UploadRequests _requests = new();
    private readonly RateMeter _upload = new();
    private readonly RateMeter _sent = new(); // piece bytes the write loop reports sent: what bounds its queue
    private int _chokedRequests;
    private int _unreadableBlocks;
    private long _outboundQueued;

    public bool AmChoking { get; private set; } = true;
    public bool PeerInterested { get; private set; }
    public long Uploaded => _upload.Total;
    public double UploadRate(DateTimeOffset now) => _upload.Rate(now);

    /// <summary>Requests accepted and not yet handed to the write loop.</summary>
    public int QueuedRequests => _requests.Count;

    /// <summary>The peer manager's decision: choke or unchoke the peer.</summary>
    public void OnChoke(bool choke, DateTimeOffset now)
    {
        if (IsClosed || choke == AmChoking) return;
        AmChoking = choke;
        if (choke)
        {
            // The choke and a fast peer's rejects of every waiting request go to the write loop as one hand-off.
            var waiting = _requests.TakeAll();
            if (!RemoteSupportsFast || waiting.Length == 0) Send(Choke.Instance, now);
            else
            {
                var messages = new PeerMessage[waiting.Length + 1];
                messages[0] = Choke.Instance;
                for (var i = 0; i < waiting.Length; i++) messages[i + 1] = new Reject(waiting[i].Piece, waiting[i].Offset, waiting[i].Length);
                _lastSent = now;
                _fx.Send(messages);
            }
        }
        else
        {
            Send(Unchoke.Instance, now);
            _chokedRequests = 0;
        }
        _fx.StatsChanged();
    }

    /// <summary>The write loop sent a batch (<paramref name="sentPieceBytes"/> of block data): <paramref name="queuedBytes"/> are still waiting in it.</summary>
    public void OnSent(long queuedBytes, DateTimeOffset now, long sentPieceBytes = 0)
    {
        _lastSent = now;
        _outboundQueued = queuedBytes;
        if (sentPieceBytes > 0) _sent.Add(sentPieceBytes, now);
        if (!IsClosed) PumpUploads(now);
    }

    /// <summary>
    /// A block handed on could not be read: it was not sent. With the fast extension it is rejected; without, the peer
    /// would wait for it forever, so the connection is closed (never a block of zeros: we do not serve what we lack).
    /// </summary>
    public void OnPieceUnavailable(BlockRequest block, string reason, DateTimeOffset now)
    {
        if (IsClosed) return;
        if (_unreadableBlocks++ == 0) // the first one per connection is enough to say what is wrong
            _fx.Warn($"block {block} could not be read for upload: {reason}");
        if (RemoteSupportsFast) Reject(block, now);
        else Close("could not read a block it asked for: " + reason, failed: false);
    }

    /// <summary>
    /// A piece we had is gone from the disk (its file was truncated or changed): we no longer have it. Its queued requests
    /// are dropped (rejected with the fast extension) and later ones are answered as for any piece we lack.
    /// </summary>
    public void OnWeLost(int piece, DateTimeOffset now)
    {
        if (IsClosed || (uint)piece >= (uint)_ourHave.Count || !_ourHave[piece]) return;
        _ourHave[piece] = false;
        foreach (var block in _requests.RemovePiece(piece))
            if (RemoteSupportsFast) Reject(block, now);
    }

    private void SetPeerInterested(bool interested)
    {
        PeerInterested = interested;
        _fx.StatsChanged();
    }

    private void OnRequest(BlockRequest block, DateTimeOffset now)
    {
        if (AmChoking)
        {
            if (RemoteSupportsFast) Reject(block, now);
            if (++_chokedRequests > _settings.ChokedRequestGrace)
                Close($"sent {_chokedRequests} requests while choked", failed: true, ban: true);
            return;
        }
        if (!_ourHave[block.Piece])
        {
            if (RemoteSupportsFast) Reject(block, now);
            return;
        }
        if (_requests.Contains(block)) return; // a duplicate: one copy is enough
        if (_requests.Count >= _settings.MaxQueuedUploadRequests || _requests.QueueLength >= 2 * _settings.MaxQueuedUploadRequests)
        {
            Close($"more than {_settings.MaxQueuedUploadRequests} queued requests", failed: true);
            return;
        }
        _requests.Add(block);
        PumpUploads(now);
    }

    private void OnCancel(BlockRequest block, DateTimeOffset now)
    {
        // A block already handed to the write loop goes out anyway; that answers the cancel too.
        if (_requests.Remove(block) && RemoteSupportsFast) Reject(block, now);
    }

    private void Reject(BlockRequest b, DateTimeOffset now) => Send(new Reject(b.Piece, b.Offset, b.Length), now);

    /// <summary>
    /// Hands waiting requests to the write loop while its queue is short (upload backpressure), all that may go now in
    /// one effect per 32. They count as uploaded from here: a peer that closes right after its last block must not
    /// make the final batch's acknowledgement (which may never come) vanish from the total.
    /// </summary>
    private void PumpUploads(DateTimeOffset now)
    {
        BlockRequest[]? batch = null;
        var n = 0;
        // About a second of what this connection has been sending: at a low (or limited) rate requests wait here, where
        // a cancel still takes them back, instead of in the write loop, where they go out anyway. The bound grows with
        // what is sent, so a fast peer reaches MaxOutboundQueued within a few batches.
        var limit = Math.Clamp((long)_sent.Rate(now), MinOutboundQueued, MaxOutboundQueued);
        while (_outboundQueued < limit && _requests.TryDequeue(out var block))
        {
            _outboundQueued += MessageWriter.PieceHeaderLength + block.Length;
            _upload.Add(block.Length, now);
            (batch ??= new BlockRequest[Math.Min(_requests.Count + 1, MaxHandedAtOnce)])[n++] = block;
            if (n < batch.Length) continue;
            Upload(batch, now);
            (batch, n) = (null, 0);
        }
        if (n > 0) Upload(batch![..n], now);
    }

    private void Upload(BlockRequest[] blocks, DateTimeOffset now)
    {
        _lastSent = now;
        _fx.Upload(blocks);
    }
}
