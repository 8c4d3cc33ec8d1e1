using Engine.Core.Merkle;
using Engine.Core.Wire;

namespace Engine.Core.Peers;

/// <summary>
/// BEP 52 hash requests from the peer, for a v2-only torrent or a hybrid's v2 half: answered from our piece layers (<see cref="HashAnswer"/>),
/// or for the leaf layer from the pieces' blocks read off the session's thread (<see cref="LeafAnswer"/>, at most
/// <see cref="MaxLeafReadsInFlight"/> at once, of verified pieces only), whatever the choke state, or rejected — a request we cannot or will not serve, any for a torrent without merkle
/// pieces, and every one past <see cref="MaxHashAnswersPerTick"/> in a tick (a request of 48 bytes can cost a 17 KiB
/// answer). 'hashes' and 'hash reject' from the peer answer requests the piece manager sent for missing piece layers
/// (<see cref="LayerFetch{TPeer}"/>); they go to it unread, and are ignored for a torrent without merkle pieces.
/// </summary>
internal sealed partial class PeerSession
{
    /// <summary>Hash requests answered per tick (a second by default); the rest are rejected.</summary>
    public const int MaxHashAnswersPerTick = 64;

    private int _hashAnswersThisTick;

    /// <summary>Hash requests answered with hashes so far.</summary>
    public long HashRequestsAnswered { get; private set; }

    /// <summary>Leaf-layer requests being read from disk at once per connection; more are rejected.</summary>
    public const int MaxLeafReadsInFlight = 4;

    private int _leafReads;

    private void OnHashRequest(HashRange range, DateTimeOffset now)
    {
        if (range.BaseLayer == 0 && TryReadLeaves(range)) return;
        var hashes = _ctx.Merkle is { } merkle && _hashAnswersThisTick < MaxHashAnswersPerTick ? HashAnswer.Answer(merkle, range) : null;
        if (hashes is null)
        {
            Send(new HashReject(range), now);
            return;
        }
        _hashAnswersThisTick++;
        HashRequestsAnswered++;
        Send(new Hashes(range, hashes), now);
    }

    /// <summary>A leaf request we can answer — a file whose tree we know, pieces we have verified — goes to be read (BEP 52 requires it of a seeder).</summary>
    private bool TryReadLeaves(HashRange range)
    {
        if (_ctx.Merkle is not { } merkle || _hashAnswersThisTick >= MaxHashAnswersPerTick || _leafReads >= MaxLeafReadsInFlight) return false;
        if (LeafAnswer.Plan(merkle, range) is not { } plan) return false;
        for (var piece = plan.FirstPiece; piece < plan.FirstPiece + plan.PieceCount; piece++)
            if (!_ourHave[piece]) return false;
        _hashAnswersThisTick++;
        _leafReads++;
        _fx.ReadLeaves(range, plan);
        return true;
    }

    /// <summary>The answer to a leaf request, read and hashed (<see cref="LeafAnswer"/>); null when the disk failed: rejected.</summary>
    public void OnLeavesRead(HashRange range, byte[]? hashes, DateTimeOffset now)
    {
        if (_leafReads > 0) _leafReads--;
        if (IsClosed) return;
        if (hashes is null)
        {
            Send(new HashReject(range), now);
            return;
        }
        HashRequestsAnswered++;
        Send(new Hashes(range, hashes), now);
    }

    private void OnHashAnswer(PeerMessage answer)
    {
        if (_ctx.Merkle is not null) _fx.HashAnswered(answer);
    }
}
