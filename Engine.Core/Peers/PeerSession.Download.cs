using Engine.Core.Diagnostics;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Core.Peers;

/// <summary>
/// Downloading from the peer: our interest (decided by the piece manager), its choke, the blocks we request and
/// what happens to them — delivered when they arrive as requested, released when the peer rejects them, chokes us
/// without the fast extension, skips them or goes quiet.
/// </summary>
internal sealed partial class PeerSession
{
    private readonly OutstandingRequests _outstanding = new();
    private readonly GivenBackBlocks _givenBack = new();
    private readonly RequestPipeline _pipeline = new();
    private readonly RateMeter _download = new();
    private readonly List<PieceMessage> _arrived = new();
    private bool _batching;        // inside OnMessages: accepted blocks wait in _arrived
    private bool _blocksAsked;     // an AskForBlocks is unanswered
    private long _receivedSinceTick;
    private DateTimeOffset? _unchokedUsAt;

    public bool AmInterested { get; private set; }
    public bool PeerChoking { get; private set; } = true;

    /// <summary>When the last requested block arrived (or the wait for one began).</summary>
    public DateTimeOffset LastBlockAt { get; private set; }

    public int Outstanding => _outstanding.Count;
    public int PipelineDepth => _pipeline.Depth;

    /// <summary>The quickest round trip seen: our handshake to theirs (when we sent first), or a request to its block.</summary>
    public TimeSpan? RoundTrip => _pipeline.Rtt;
    public long Downloaded => _download.Total;
    public double DownloadRate(DateTimeOffset now) => _download.Rate(now);

    /// <summary>The peer unchoked us but sent nothing for a while (see <see cref="Choking.Choker.IsSnubbed"/>).</summary>
    public bool IsSnubbed(DateTimeOffset now) => AmInterested && !PeerChoking && Choking.Choker.IsSnubbed(_unchokedUsAt?.UtcDateTime,
        LastBlockAt == default ? null : LastBlockAt.UtcDateTime, now.UtcDateTime);

    /// <summary>The piece manager's decision: are we interested in the peer's pieces?</summary>
    public void OnInterest(bool interested, DateTimeOffset now)
    {
        if (IsClosed || interested == AmInterested) return;
        AmInterested = interested;
        Send(interested ? Interested.Instance : NotInterested.Instance, now);
        if (interested) RequestMore();
    }

    /// <summary>The piece manager's answer to <see cref="IPeerEffects.AskForBlocks"/>: these blocks are ours to request.</summary>
    public void OnBlocksAssigned(BlockRequest[] blocks, DateTimeOffset now)
    {
        _blocksAsked = false;
        if (IsClosed || PeerChoking || !AmInterested)
        {
            if (blocks.Length > 0) _fx.ReleaseBlocks(blocks, cancelled: false);
            return;
        }
        if (_outstanding.Count == 0)
        {
            LastBlockAt = now;
            _pipeline.OnQueueEmpty();
        }
        var requests = new PeerMessage[blocks.Length];
        var n = 0;
        foreach (var b in blocks)
            if (_outstanding.Add(b, now))
                requests[n++] = new Request(b.Piece, b.Offset, b.Length);
        _lastSent = now;
        if (n == 1) _fx.Send(requests[0]);
        else if (n > 1) _fx.Send(n == requests.Length ? requests : requests[..n]);
    }

    /// <summary>Another peer delivered a block we requested too (endgame): we cancel ours.</summary>
    public void OnCancelBlock(BlockRequest block, DateTimeOffset now)
    {
        if (!IsClosed && _outstanding.Remove(block)) Send(new Cancel(block.Piece, block.Offset, block.Length), now);
    }

    /// <summary>
    /// The piece manager took these requests back (a streaming reader wants other blocks first): cancels them at the
    /// peer and asks for others at once (one that still comes is handed on: <see cref="GivenBackBlocks"/>).
    /// </summary>
    public void OnReclaim(IReadOnlyList<BlockRequest> blocks, DateTimeOffset now)
    {
        if (IsClosed) return;
        foreach (var block in blocks)
            if (_outstanding.Remove(block))
            {
                Send(new Cancel(block.Piece, block.Offset, block.Length), now);
                _givenBack.Remember(block);
            }
        RequestMore(anyRoom: true);
    }

    private void OnChoked()
    {
        PeerChoking = true;
        _unchokedUsAt = null;
        // With the fast extension a choke cancels nothing: the peer rejects what it will not send.
        if (!RemoteSupportsFast) ReleaseOutstanding();
    }

    private void OnUnchoked(DateTimeOffset now)
    {
        PeerChoking = false;
        _unchokedUsAt = now;
        _pipeline.Reset();
        RequestMore();
    }

    private void OnReject(BlockRequest block)
    {
        if (!_outstanding.Remove(block)) return;
        _fx.ReleaseBlocks([block], cancelled: false);
        RequestMore();
    }

    private void OnPiece(PieceMessage piece, DateTimeOffset now)
    {
        var block = new BlockRequest(piece.Piece, piece.Offset, piece.Data.Length);
        if (_outstanding.Arrived(block, out var requestedAt))
        {
            _pipeline.OnBlockArrived(now);
            _pipeline.OnRoundTrip(now - requestedAt); // the quickest answer is the round trip with empty queues
            LastBlockAt = now;
        }
        else if (!_givenBack.Arrived(block))
        {
            _fx.Discard(piece); // not requested, or cancelled because another peer delivered it (endgame)
            return;
        }
        // else one we gave back that came anyway: the picker takes it if nobody else has delivered it yet
        _receivedSinceTick += block.Length;
        _download.Add(block.Length, now);
        if (_batching) _arrived.Add(piece); // delivered with the rest of the read
        else _fx.Deliver(piece, 0);
    }

    /// <summary>
    /// Hands on the blocks of a read together with the ask for more that they make room for (one message to the piece
    /// manager for both, not a delivery and an ask), or only the ask when none of them was wanted.
    /// </summary>
    private void DeliverArrived()
    {
        var ask = IsClosed ? 0 : BlocksToAsk();
        if (ask > 0) _blocksAsked = true;
        if (_arrived.Count == 0)
        {
            if (ask > 0) _fx.AskForBlocks(ask);
            return;
        }
        if (_arrived.Count == 1) _fx.Deliver(_arrived[0], ask);
        else _fx.Deliver(_arrived.ToArray(), ask);
        _arrived.Clear();
    }

    /// <summary>Tops the pipeline up: asks for blocks when a quarter of its depth (or all of it) is free, or with <paramref name="anyRoom"/> whenever some is.</summary>
    private void RequestMore(bool anyRoom = false)
    {
        var want = BlocksToAsk(anyRoom);
        if (want == 0) return;
        _blocksAsked = true;
        _fx.AskForBlocks(want);
    }

    /// <summary>How many blocks <see cref="RequestMore"/> would ask for now (0: none).</summary>
    private int BlocksToAsk(bool anyRoom = false)
    {
        if (!AmInterested || PeerChoking || _blocksAsked) return 0;
        var want = _pipeline.Depth - _outstanding.Count;
        return want <= 0 || !anyRoom && want < _pipeline.Depth / 4 && _outstanding.Count > 0 ? 0 : want;
    }

    /// <summary>
    /// Cancels the blocks, no longer outstanding, at the peer and gives them back (they may still come). <paramref name="mayCome"/>: the peer may have some on their way (they are
    /// given in the order requested), so the picker hands them out after any other free block (<see cref="PiecePicker.ReleaseCancelled"/>).
    /// </summary>
    private void CancelAndGiveBack(BlockRequest[] blocks, DateTimeOffset now, bool mayCome = false)
    {
        foreach (var block in blocks) Send(new Cancel(block.Piece, block.Offset, block.Length), now);
        GiveBack(blocks, mayCome);
    }

    /// <summary>Gives every outstanding block back (they may still come: <see cref="GivenBackBlocks"/>).</summary>
    private void ReleaseOutstanding()
    {
        if (_outstanding.TakeAll() is { } blocks) GiveBack(blocks);
    }

    /// <summary>Releases blocks, no longer outstanding, to the picker and remembers them in case they come anyway.</summary>
    private void GiveBack(BlockRequest[] blocks, bool mayCome = false)
    {
        _givenBack.Remember(blocks);
        _fx.ReleaseBlocks(blocks, mayCome);
    }
}
