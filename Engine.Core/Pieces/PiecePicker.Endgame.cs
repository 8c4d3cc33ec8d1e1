using Engine.Core.Primitives;

namespace Engine.Core.Pieces;

/// <summary>Endgame: once every missing block is in transit, a peer with room claims blocks other peers have.</summary>
internal sealed partial class PiecePicker
{
    /// <summary>Candidates for a duplicate claim, the greatest <c>Order</c> first (the latest stamp, or the latest arrival).</summary>
    private readonly List<(long Order, BlockRequest Block)> _duplicates = new();

    /// <summary>
    /// At most this many duplicate claims per peer at a time (the default). Without a bound every peer with room filled
    /// its whole pipeline with other peers' blocks: a 64 MiB torrent from 30 seeders is all in transit within the first second
    /// (the first depths alone cover two thirds of it), so endgame ran from the start and 83 MiB arrived twice (the swarm
    /// lab's E, docs/performance.md 2026-12-07). libtorrent lets a peer hold one such "busy" request at a time.
    /// </summary>
    public const int DefaultMaxDuplicatesPerPeer = 4;

    private readonly int _maxDuplicates;

    /// <summary>
    /// Claims blocks other peers have in transit. A peer whose pace is known takes those it would deliver sooner
    /// (<see cref="ClaimSoonerHere"/>); any other, first those with a single claimant, then the rest, within each the
    /// latest claimed first. A peer serves requests in order, so the block claimed last is at the tail of its
    /// claimant's queue: fetched elsewhere, it arrives sooner, and our cancel reaches the claimant while the block still
    /// waits there (nothing received twice). The block claimed first is at the head, already on its way: a second copy
    /// of it would arrive too, for nothing. (On the WAN-like swarms of issue 20, duplicating in piece order received
    /// 2.4 % of the torrent twice.) At most <c>_maxDuplicates</c> such claims per peer at a time.
    /// </summary>
    private int ClaimDuplicates(PeerState state, Bitfield peerHas, Span<BlockRequest> destination)
    {
        var room = _maxDuplicates - state.Duplicates.Count;
        if (room <= 0) return 0;
        if (destination.Length > room) destination = destination[..room];
        if (state.Pace.IsKnown) return ClaimSoonerHere(state, peerHas, destination);
        var written = ClaimDuplicates(state, peerHas, destination, singleClaim: true);
        if (written < destination.Length) written += ClaimDuplicates(state, peerHas, destination[written..], singleClaim: false);
        return written;
    }

    private int ClaimDuplicates(PeerState state, Bitfield peerHas, Span<BlockRequest> destination, bool singleClaim)
    {
        _duplicates.Clear();
        for (var i = 0; i < _active.Count; i++)
        {
            var progress = ProgressOf(_active[i])!;
            if (!peerHas[progress.Piece] || _priority[progress.Piece] == 0) continue;
            for (var block = 0; block < progress.BlockCount; block++)
            {
                var claims = progress.Claims(block);
                if (progress.IsReceived(block) || claims == 0 || (claims == 1) != singleClaim) continue;
                var request = _layout.Block(progress.Piece, block);
                if (!state.Claims.Contains(request)) _duplicates.Add((progress.Stamp(block), request));
            }
        }
        if (_duplicates.Count == 0) return 0;
        _duplicates.Sort(static (a, b) => b.Order.CompareTo(a.Order));
        return ClaimListed(state, destination);
    }

    /// <summary>Claims the blocks of <see cref="_duplicates"/> in its order, as many as fit.</summary>
    private int ClaimListed(PeerState state, Span<BlockRequest> destination)
    {
        var written = 0;
        for (var i = 0; i < _duplicates.Count && written < destination.Length; i++)
        {
            var request = _duplicates[i].Block;
            state.Claims.Add(request);
            state.Duplicates.Add(request);
            ProgressOf(request.Piece)!.Claim(request.BlockIndex, ++_claimClock);
            destination[written++] = request;
        }
        return written;
    }
}
