using Engine.Core.Merkle;
using Engine.Core.Wire;

namespace Engine.Core.Peers;

/// <summary>
/// BEP 52 hash requests from the peer, for a v2-only torrent: answered from our piece layers (<see cref="HashAnswer"/>)
/// whatever the choke state, or rejected — a request we cannot or will not serve, any for a torrent without merkle
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

    private void OnHashRequest(HashRange range, DateTimeOffset now)
    {
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

    private void OnHashAnswer(PeerMessage answer)
    {
        if (_ctx.Merkle is not null) _fx.HashAnswered(answer);
    }
}
