using Engine.Core.Primitives;

namespace Engine.Core.Pieces;

/// <summary>
/// Picking by arrival time, from the pace each session reports: near the end a slow peer leaves the last free blocks to
/// faster ones, and in endgame a block is duplicated only where it would come sooner than from its claimant.
/// </summary>
internal sealed partial class PiecePicker
{
    /// <summary>
    /// Seconds of a peer's queue taken as already sent and beyond a cancel: what sits in its send buffer, its socket and
    /// the path. libtorrent keeps half a second of a connection's upload rate in its send buffer
    /// (<c>send_buffer_watermark_factor</c> 50 %), read from disk before it goes out.
    /// </summary>
    public const double CommittedSeconds = 0.5;

    /// <summary>Above this many unclaimed blocks <see cref="FreeBlocksFor"/> does not look (far from the end, and a bound on its cost).</summary>
    public const int LeaveToFasterBelow = 4_096;

    private readonly List<long> _queueStamps = new();

    /// <summary>Tells the picker how fast a peer delivers (<see cref="PeerPace.Unknown"/>: nothing arrived in its last sample).</summary>
    public void SetPace(int peer, PeerPace pace)
    {
        if (_peers.TryGetValue(peer, out var state)) state.Pace = pace;
    }

    /// <summary>
    /// How many free blocks a peer of known pace may claim: those the other peers of known pace cannot fetch before it
    /// would deliver one, each from when its own queue empties at its pace. A slow peer given one of the last free
    /// blocks delivers it behind its whole queue, after the fast peers could have fetched all of them, and holds up the
    /// piece (and, at the very end, the download) or makes the endgame duplicate it. Its queue still delivers meanwhile.
    /// Only peers holding claims count: one that holds none may lack the pieces left (it is never waited for, so a piece
    /// only a slow peer has is not held back longer than the others' queues last). A peer of unknown pace, or any peer
    /// far from the end, may claim them all.
    /// </summary>
    private int FreeBlocksFor(PeerState state)
    {
        if (!state.Pace.IsKnown || _unclaimedBlocks > LeaveToFasterBelow) return int.MaxValue;
        var ownArrival = state.Pace.SecondsUntilNew(state.Claims.Count);
        var others = 0.0;
        foreach (var other in _peers.Values)
        {
            if (ReferenceEquals(other, state) || !other.Pace.IsKnown || other.Claims.Count == 0) continue;
            var from = other.Pace.SecondsUntilNew(other.Claims.Count);
            if (from < ownArrival) others += (ownArrival - from) * other.Pace.BlocksPerSecond;
        }
        return (int)Math.Max(0, _unclaimedBlocks - Math.Floor(others));
    }

    /// <summary>
    /// Claims blocks that a peer of known pace would deliver before their single claimant does, with time to spare for
    /// our cancel to reach the claimant before it sends its copy: the claimant's queue ahead of the block, at its pace,
    /// must outlast the asker's own queue and round trip plus the claimant's round trip and <see cref="CommittedSeconds"/>.
    /// Those waiting longest go first; a claimant of unknown pace (stalled, or no sample yet) may take forever, so its
    /// blocks go before all others, the latest claimed first. A block the claimant will send anyway is left to it: a
    /// second copy would arrive too, for nothing. (On the swarm lab's E, duplicating the latest claims whatever the
    /// pace received half of the duplicated blocks twice.) Blocks with two claimants are not taken a third time.
    /// </summary>
    private int ClaimSoonerHere(PeerState state, Bitfield peerHas, Span<BlockRequest> destination)
    {
        var ownArrival = state.Pace.SecondsUntilNew(state.Claims.Count);
        _duplicates.Clear();
        foreach (var claimant in _peers.Values)
        {
            if (ReferenceEquals(claimant, state) || claimant.Claims.Count == 0) continue;
            var pace = claimant.Pace;
            if (pace.IsKnown) SortQueue(claimant);
            var spare = ownArrival + pace.RoundTrip.TotalSeconds + CommittedSeconds;
            foreach (var block in claimant.Claims)
            {
                var progress = ProgressOf(block.Piece)!;
                if (!peerHas[block.Piece] || _priority[block.Piece] == 0 || progress.IsReceived(block.BlockIndex)
                    || progress.Claims(block.BlockIndex) != 1 || state.Claims.Contains(block)) continue;
                var stamp = progress.Stamp(block.BlockIndex);
                if (!pace.IsKnown)
                {
                    _duplicates.Add((long.MaxValue / 2 + stamp, block));
                    continue;
                }
                var arrival = pace.SecondsUntil(_queueStamps.BinarySearch(stamp) + 1);
                if (arrival > spare) _duplicates.Add(((long)(arrival * 1_000_000), block));
            }
        }
        if (_duplicates.Count == 0) return 0;
        _duplicates.Sort(static (a, b) => b.Order.CompareTo(a.Order));
        return ClaimListed(state, destination);
    }

    /// <summary>The claimant's queue order: its claims' stamps, oldest first (a peer serves requests in order).</summary>
    private void SortQueue(PeerState claimant)
    {
        _queueStamps.Clear();
        foreach (var block in claimant.Claims) _queueStamps.Add(ProgressOf(block.Piece)!.Stamp(block.BlockIndex));
        _queueStamps.Sort();
    }
}
