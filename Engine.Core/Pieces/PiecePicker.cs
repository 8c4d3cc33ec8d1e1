using System.Numerics;
using Engine.Core.Primitives;

namespace Engine.Core.Pieces;

/// <summary>
/// Decides which blocks to request from which peer. Owns our have-field, the availability of every
/// piece among connected peers, and the in-transit state (which peer has claimed which block, which
/// blocks of unverified pieces have arrived). Peers are identified by an <c>int</c> key the caller assigns.
/// </summary>
/// <remarks>
/// Every piece is in exactly one state: <b>have</b> (verified), <b>active</b> (started: some block claimed
/// or received; tracked by a <see cref="PieceProgress"/>), or <b>fresh</b> (missing, nothing started).
/// Fresh pieces live in buckets by availability, so rarest-first visits only the lowest buckets; active
/// pieces with unclaimed blocks are additionally in the "open" set that <see cref="Pick"/> serves first.
/// Policy, in order: finish open pieces the peer has; then start new pieces, at random while we have fewer
/// than <c>randomFirstPieces</c> verified pieces, else rarest first with random ties; and once every missing
/// block is received or in transit (endgame), claim blocks other peers already have in transit, those claimed last
/// first (see <see cref="ClaimDuplicates"/>).
/// Not thread-safe: one owner (the PieceManager actor) calls it.
/// </remarks>
internal sealed partial class PiecePicker
{
    private readonly TorrentLayout _layout;
    private readonly Bitfield _have;
    private readonly Random _random;
    private readonly int _randomFirstPieces;
    private readonly int[] _availability;
    private readonly int[] _bucketPositions;
    private readonly List<IndexedPieceSet>[] _levels = [new(), new(), new()]; // fresh wanted pieces by priority (low, normal, high), then availability
    private readonly int[] _freshAt = new int[3]; // fresh pieces per level
    private readonly byte[] _priority;
    private readonly Bitfield _needed; // wanted (priority > 0) and not verified
    private PieceProgress?[]? _progress; // each started piece's progress; made when the first piece starts (a seed never does)
    private readonly IndexedPieceSet _active;
    private readonly IndexedPieceSet _open;
    private readonly Stack<PieceProgress> _pool = new();
    private readonly Dictionary<int, PeerState> _peers = new();
    private readonly List<int> _cancelScratch = new();
    private readonly HashSet<int> _singleSource = new();
    private readonly Dictionary<int, int> _owners = new(); // single-source pieces: the one peer fetching this attempt
    private long _unclaimedBlocks;
    private long _freshVersion; // bumped whenever a started piece becomes fresh again
    private long _claimClock;   // counts claims: each block remembers the count of its latest one

    /// <param name="maxDuplicatesPerPeer">Endgame: duplicate claims one peer may hold at a time (<see cref="DefaultMaxDuplicatesPerPeer"/>).</param>
    public PiecePicker(TorrentLayout layout, Bitfield have, Random random, int randomFirstPieces = 4, int maxDuplicatesPerPeer = DefaultMaxDuplicatesPerPeer)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(have);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(randomFirstPieces);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDuplicatesPerPeer);
        if (have.Count != layout.PieceCount)
            throw new ArgumentException($"the have-field has {have.Count} pieces, the torrent {layout.PieceCount}", nameof(have));
        _layout = layout;
        _have = have.Clone();
        _random = random;
        _randomFirstPieces = randomFirstPieces;
        _maxDuplicates = maxDuplicatesPerPeer;
        var count = layout.PieceCount;
        _availability = new int[count];
        _bucketPositions = new int[count];
        Array.Fill(_bucketPositions, -1);
        _active = IndexedPieceSet.Create(count);
        _open = IndexedPieceSet.Create(count);
        _priority = new byte[count];
        Array.Fill(_priority, PiecePriorities.Normal);
        _needed = new Bitfield(count);
        foreach (var level in _levels) level.Add(new IndexedPieceSet(_bucketPositions));
        _levels[PiecePriorities.Normal - 1][0] = new IndexedPieceSet(_bucketPositions, Math.Max(4, count - have.SetCount));
        for (var piece = _have.NextClear(0); piece >= 0; piece = _have.NextClear(piece + 1))
        {
            AddFresh(piece);
            _needed[piece] = true;
            _unclaimedBlocks += layout.BlockCount(piece);
        }
    }

    /// <summary>Our verified pieces. A live view: do not modify it.</summary>
    public Bitfield Have => _have;

    /// <summary>Every piece is verified.</summary>
    public bool IsComplete => _have.AllSet;

    /// <summary>Every wanted piece (priority above skip) is verified: the download is done, though pieces may be missing.</summary>
    public bool IsWantedComplete => _needed.NoneSet;

    /// <summary>Every missing wanted block is received or in transit: peers may now duplicate requests.</summary>
    public bool InEndgame => _unclaimedBlocks == 0 && !_needed.NoneSet;

    /// <summary>Connected peers whose bitfield contains the piece.</summary>
    public int Availability(int piece) => _availability[piece];

    /// <summary>Pieces started but not verified.</summary>
    public int ActivePieceCount => _active.Count;

    /// <summary>Blocks of missing pieces that are neither received nor claimed.</summary>
    public long UnclaimedBlocks => _unclaimedBlocks;

    public int PeerCount => _peers.Count;

    // ---- peers and availability ----

    public void PeerAdded(int peer, Bitfield peerHas)
    {
        ArgumentNullException.ThrowIfNull(peerHas);
        CheckSize(peerHas);
        if (_peers.ContainsKey(peer)) throw new InvalidOperationException($"peer {peer} was already added");
        var state = new PeerState(peer, peerHas.Clone());
        _peers.Add(peer, state);
        for (var piece = peerHas.NextSet(0); piece >= 0; piece = peerHas.NextSet(piece + 1))
            ChangeAvailability(piece, +1);
    }

    public void PeerHave(int peer, int piece)
    {
        CheckPiece(piece);
        var state = GetPeer(peer);
        if (state.Has[piece]) return;
        state.Has[piece] = true;
        ChangeAvailability(piece, +1);
    }

    public void PeerHaveAll(int peer)
    {
        var has = GetPeer(peer).Has;
        for (var piece = has.NextClear(0); piece >= 0; piece = has.NextClear(piece + 1))
        {
            has[piece] = true;
            ChangeAvailability(piece, +1);
        }
    }

    /// <summary>Forgets the peer: all its claimed blocks return to the pool and its pieces stop counting. Unknown peers are ignored.</summary>
    public void PeerRemoved(int peer)
    {
        if (!_peers.TryGetValue(peer, out var state)) return;
        ReleaseAll(state);
        DropOwnerships(peer);
        var has = state.Has;
        for (var piece = has.NextSet(0); piece >= 0; piece = has.NextSet(piece + 1))
            ChangeAvailability(piece, -1);
        _peers.Remove(peer);
    }

    /// <summary>The peer has a wanted piece we don't.</summary>
    public bool IsInteresting(Bitfield peerHas)
    {
        ArgumentNullException.ThrowIfNull(peerHas);
        CheckSize(peerHas);
        return peerHas.Intersects(_needed);
    }

    // ---- picking ----

    /// <summary>
    /// Claims up to <c>destination.Length</c> blocks for the peer and writes them to <paramref name="destination"/>;
    /// returns how many. <paramref name="peerHas"/> is the peer's current bitfield (the one the picker was told about).
    /// </summary>
    public int Pick(int peer, Bitfield peerHas, Span<BlockRequest> destination)
    {
        ArgumentNullException.ThrowIfNull(peerHas);
        CheckSize(peerHas);
        var state = GetPeer(peer);
        if (destination.IsEmpty || peerHas.NoneSet || _needed.NoneSet) return 0;
        var written = 0;

        // 0. Streaming: the pieces right after the reading position, in order.
        if (HasWindow) written += PickWindow(state, peerHas, destination);

        // Near the end, a slow peer takes only the free blocks the faster ones cannot fetch before it would deliver.
        var freeRoom = destination[..(int)Math.Min(destination.Length, written + (long)FreeBlocksFor(state))];

        // 1. Pieces already started that still have unclaimed blocks: first the one nearest to fully claimed, so that a
        //    peer asking for a few blocks at a time finishes pieces one after another instead of a block of each.
        if (written < freeRoom.Length && NearestToClaimed(peerHas) is var nearest and >= 0)
            written += ClaimFree(state, ProgressOf(nearest)!, freeRoom[written..]);
        for (var i = 0; i < _open.Count && written < freeRoom.Length;)
        {
            var piece = _open[i];
            if (peerHas[piece] && _priority[piece] > 0)
                written += ClaimFree(state, ProgressOf(piece)!, freeRoom[written..]);
            if (i < _open.Count && _open[i] == piece) i++; // else the piece left the set and another took slot i
        }

        // 2. New pieces (skipped while nothing fresh can have appeared for this peer since it last found none).
        while (written < freeRoom.Length && !state.KnownExhausted(peerHas, _freshVersion))
        {
            var piece = Sequential ? PickFirstFresh(peerHas)
                : _have.SetCount < _randomFirstPieces ? PickRandomFresh(peerHas) : PickRarestFresh(peerHas);
            if (piece < 0)
            {
                state.MarkExhausted(peerHas, _freshVersion);
                break;
            }
            written += ClaimFree(state, Activate(piece), freeRoom[written..]);
        }

        // 3. Blocks given back with a cancel that their peer may still send, the longest it would have taken first.
        if (written < freeRoom.Length && _cooling.Count > 0) written += ClaimCooling(state, peerHas, freeRoom[written..]);

        // 4. Endgame: duplicate blocks other peers have in transit, the least duplicated and latest claimed first.
        if (written < destination.Length && _unclaimedBlocks == 0)
            written += ClaimDuplicates(state, peerHas, destination[written..]);
        return written;
    }

    /// <summary>The wanted open piece the peer has with the fewest free blocks, cooling ones aside (then the most received); -1 if none.</summary>
    private int NearestToClaimed(Bitfield peerHas)
    {
        var best = -1;
        PieceProgress? bestProgress = null;
        for (var i = 0; i < _open.Count; i++)
        {
            var piece = _open[i];
            if (!peerHas[piece] || _priority[piece] == 0) continue;
            var progress = ProgressOf(piece)!;
            if (progress.FreeNowCount == 0) continue;
            if (bestProgress is null || progress.FreeNowCount < bestProgress.FreeNowCount
                || progress.FreeNowCount == bestProgress.FreeNowCount && progress.ReceivedCount > bestProgress.ReceivedCount)
            {
                best = piece;
                bestProgress = progress;
            }
        }
        return best;
    }

    /// <summary>Claims the piece's free blocks in order; cooling ones (<see cref="PieceProgress.Cool"/>) only when told to.</summary>
    private int ClaimFree(PeerState state, PieceProgress progress, Span<BlockRequest> destination, bool cooling = false)
    {
        var written = 0;
        var piece = progress.Piece;
        if (!cooling && progress.FreeNowCount == 0 || !MayClaim(state, piece)) return 0; // a piece whose free blocks all cool is passed over quickly
        for (var block = 0; block < progress.BlockCount && written < destination.Length && progress.FreeCount > 0; block++)
        {
            if (!progress.IsFree(block) || !cooling && progress.IsCooling(block)) continue;
            destination[written++] = ClaimBlock(state, progress, block);
        }
        return written;
    }

    /// <summary>False when the piece is to come from a single peer and another has it (<see cref="PreferSingleSource"/>).</summary>
    private bool MayClaim(PeerState state, int piece) =>
        _singleSource.Count == 0 || !_singleSource.Contains(piece) || TakeOwnership(state.Key, piece);

    /// <summary>Claims a free block of a wanted piece for the peer.</summary>
    private BlockRequest ClaimBlock(PeerState state, PieceProgress progress, int block)
    {
        progress.Claim(block, ++_claimClock);
        _unclaimedBlocks--;
        var request = _layout.Block(progress.Piece, block);
        state.Claims.Add(request);
        if (progress.FreeCount == 0 && _open.Contains(progress.Piece)) _open.Remove(progress.Piece);
        return request;
    }

    private int PickRarestFresh(Bitfield peerHas)
    {
        for (var level = _levels.Length; level >= 1; level--)
        {
            if (_freshAt[level - 1] == 0) continue;
            var piece = PickRarestFresh(peerHas, level);
            if (piece >= 0) return piece;
        }
        return -1;
    }

    private int PickRarestFresh(Bitfield peerHas, int level)
    {
        var buckets = _levels[level - 1];
        // Walk the availability buckets from the rarest up; bucket 0 holds pieces no connected peer has.
        // A peer holding few of the rare pieces would make this walk long, so past a budget comparable to
        // one pass over the peer's bitfield, switch to that pass instead: the cost per pick stays bounded
        // by O(pieces / 64 + pieces the peer has that we lack).
        var budget = 16 + (_layout.PieceCount >> 8);
        var lowest = 0;
        for (var availability = 1; availability < buckets.Count; availability++)
        {
            var bucket = buckets[availability];
            var count = bucket.Count;
            if (count == 0) continue;
            if (lowest == 0) lowest = availability;
            // Start at a random slot so ties among equally rare pieces are broken at random.
            var index = _random.Next(count);
            for (var seen = 0; seen < count; seen++)
            {
                if (--budget < 0) return PickRarestByPeerScan(peerHas, lowest, level);
                var piece = bucket[index];
                if (peerHas[piece]) return piece;
                if (++index == count) index = 0;
            }
        }
        return -1;
    }

    /// <summary>
    /// Rarest fresh piece of the level among those the peer has, by one pass over its bitfield. The pass starts at a
    /// random word and keeps the first piece of least availability, so ties fall at random; it stops early on
    /// reaching the lowest availability any fresh piece of the level has.
    /// </summary>
    private int PickRarestByPeerScan(Bitfield peerHas, int lowestAvailability, int level)
    {
        var theirs = peerHas.Words;
        var needed = _needed.Words;
        int best = -1, bestAvailability = int.MaxValue;
        var w = _random.Next(theirs.Length);
        for (var visited = 0; visited < theirs.Length; visited++)
        {
            var bits = theirs[w] & needed[w];
            while (bits != 0)
            {
                var bit = BitOperations.LeadingZeroCount(bits);
                bits &= ~(1UL << (63 - bit));
                var piece = (w << 6) + bit;
                var availability = _availability[piece];
                if (availability == 0 || availability >= bestAvailability || ProgressOf(piece) is not null || _priority[piece] != level) continue;
                best = piece;
                bestAvailability = availability;
                if (availability == lowestAvailability) return best;
            }
            if (++w == theirs.Length) w = 0;
        }
        return best;
    }

    private int PickRandomFresh(Bitfield peerHas)
    {
        var start = _random.Next(_layout.PieceCount);
        for (var level = _levels.Length; level >= 1; level--)
        {
            if (_freshAt[level - 1] == 0) continue;
            for (var piece = peerHas.NextSet(start); piece >= 0; piece = peerHas.NextSet(piece + 1))
                if (IsFresh(piece) && _priority[piece] == level) return piece;
            for (var piece = peerHas.NextSet(0); piece >= 0 && piece < start; piece = peerHas.NextSet(piece + 1))
                if (IsFresh(piece) && _priority[piece] == level) return piece;
        }
        return -1;
    }

    // ---- arrivals and releases ----

    /// <summary>Records an arriving block. See <see cref="BlockResult"/> for what the caller must do.</summary>
    public BlockResult BlockReceived(int peer, BlockRequest block)
    {
        _peers.TryGetValue(peer, out var state);
        if (!Fits(block)) return BlockResult.Unwanted;
        var wasClaimed = state is not null && state.Unclaim(block);
        var piece = block.Piece;
        var index = block.BlockIndex;
        if (_have[piece] || (ProgressOf(piece) is null && _priority[piece] == 0)) return BlockResult.Unwanted with { WasClaimed = wasClaimed };
        var progress = ProgressOf(piece) ?? Activate(piece);
        if (progress.IsReceived(index)) return BlockResult.Unwanted; // a received block has no claims left

        IReadOnlyList<int> cancelAt = Array.Empty<int>();
        var others = progress.Claims(index) - (wasClaimed ? 1 : 0);
        if (others > 0) cancelAt = TakeOtherClaims(block, others);
        if (progress.MarkReceived(index) && _priority[piece] > 0) _unclaimedBlocks--;
        if (progress.FreeCount == 0 && _open.Contains(piece)) _open.Remove(piece);
        return new BlockResult(true, progress.Complete, cancelAt, wasClaimed);
    }

    private int[] TakeOtherClaims(BlockRequest block, int expected)
    {
        _cancelScratch.Clear();
        foreach (var (key, other) in _peers)
        {
            if (other.Unclaim(block)) _cancelScratch.Add(key);
            if (_cancelScratch.Count == expected) break;
        }
        return _cancelScratch.ToArray();
    }

    /// <summary>The peer will not deliver this block (reject, choke, timeout): it returns to the pool.</summary>
    public void Release(int peer, BlockRequest block)
    {
        if (_peers.TryGetValue(peer, out var state)) Release(state, block);
    }

    /// <summary>Drops the peer's claim on the block, if it has one (false: it had none).</summary>
    private bool Release(PeerState state, BlockRequest block)
    {
        if (!state.Unclaim(block)) return false;
        Unclaim(block);
        if (_owners.TryGetValue(block.Piece, out var owner) && owner == state.Key) _owners.Remove(block.Piece);
        return true;
    }

    /// <summary>All the peer's claims return to the pool (it choked us).</summary>
    public void ReleaseAll(int peer)
    {
        if (!_peers.TryGetValue(peer, out var state)) return;
        ReleaseAll(state);
        DropOwnerships(peer);
    }

    // ---- single-source pieces (smart ban) ----

    /// <summary>
    /// Fetch this piece (again) from one peer if possible: the first peer to claim a block of it in an attempt becomes its
    /// owner, and other peers get none of its free blocks while the owner serves it (it keeps its claims, or was not
    /// removed; endgame duplicates still apply). Asked after a hash failure, so that the next copy has a single source
    /// and a lying peer meets the sole-source rule. Dropped once the piece is verified.
    /// </summary>
    public void PreferSingleSource(int piece)
    {
        CheckPiece(piece);
        if (!_have[piece]) _singleSource.Add(piece);
    }

    /// <summary>Pieces to be fetched from a single peer (<see cref="PreferSingleSource"/>).</summary>
    public int SingleSourcePieces => _singleSource.Count;

    private bool TakeOwnership(int peer, int piece)
    {
        if (_owners.TryGetValue(piece, out var owner)) return owner == peer;
        _owners.Add(piece, peer);
        return true;
    }

    private void DropOwnerships(int peer)
    {
        if (_owners.Count == 0) return;
        _cancelScratch.Clear();
        foreach (var (piece, owner) in _owners)
            if (owner == peer) _cancelScratch.Add(piece);
        foreach (var piece in _cancelScratch) _owners.Remove(piece);
    }

    private void ReleaseAll(PeerState state)
    {
        foreach (var block in state.Claims) Unclaim(block);
        state.Claims.Clear();
        state.Duplicates.Clear();
    }

    private void Unclaim(BlockRequest block)
    {
        var progress = ProgressOf(block.Piece)!;
        if (!progress.Unclaim(block.BlockIndex)) return;
        if (_priority[block.Piece] > 0) _unclaimedBlocks++;
        if (!_open.Contains(block.Piece)) _open.Add(block.Piece);
    }

    /// <summary>The piece passed its hash check: it joins our have-field. Claims on it, if any, are dropped.</summary>
    public void PieceVerified(int piece)
    {
        CheckPiece(piece);
        if (_have[piece]) return;
        var progress = ProgressOf(piece);
        var wanted = _priority[piece] > 0;
        if (progress is null)
        {
            if (wanted) RemoveFresh(piece);
            if (wanted) _unclaimedBlocks -= _layout.BlockCount(piece);
        }
        else
        {
            if (wanted) _unclaimedBlocks -= progress.FreeCount;
            Deactivate(progress);
        }
        _have[piece] = true;
        _needed[piece] = false;
        _singleSource.Remove(piece);
    }

    /// <summary>
    /// Every block of the piece is on disk and its verdict pending (a v2 piece held for its piece layer, remembered
    /// across a restart): it is active and fully received, so none of its blocks is asked for, until
    /// <see cref="PieceVerified"/> or <see cref="PieceFailed"/> settles it. Meant before peers claim blocks of it;
    /// ignored for a verified piece.
    /// </summary>
    public void PieceDownloaded(int piece)
    {
        CheckPiece(piece);
        if (_have[piece]) return;
        var progress = ProgressOf(piece) ?? Activate(piece);
        for (var b = 0; b < progress.BlockCount; b++)
            if (!progress.IsReceived(b) && progress.MarkReceived(b) && _priority[piece] > 0) _unclaimedBlocks--;
        if (_open.Contains(piece)) _open.Remove(piece);
    }

    /// <summary>The piece failed its hash check: every block of it is needed again. Claims on it, if any, are dropped.</summary>
    public void PieceFailed(int piece)
    {
        CheckPiece(piece);
        if (_have[piece]) throw new InvalidOperationException($"piece {piece} is already verified; it cannot fail");
        var progress = ProgressOf(piece);
        if (progress is null) return;
        Deactivate(progress);
        if (_priority[piece] == 0) return;
        _unclaimedBlocks += progress.BlockCount - progress.FreeCount;
        AddFresh(piece);
        _freshVersion++;
    }

    /// <summary>
    /// Some blocks of a piece that failed its hash check are proven wrong (BEP 52 leaves, <c>BadBlocks</c>): only they
    /// are needed again; the piece's other blocks stay received. For a piece not started, verified, or blocks not
    /// received, nothing changes.
    /// </summary>
    public void BlocksFailed(int piece, IReadOnlyList<int> blocks)
    {
        CheckPiece(piece);
        ArgumentNullException.ThrowIfNull(blocks);
        if (_have[piece] || ProgressOf(piece) is not { } progress) return;
        var freed = 0;
        foreach (var block in blocks)
            if ((uint)block < (uint)progress.BlockCount && progress.Unreceive(block)) freed++;
        if (freed == 0) return;
        if (_priority[piece] > 0) _unclaimedBlocks += freed;
        if (!_open.Contains(piece)) _open.Add(piece);
    }

    /// <summary>
    /// A verified piece is gone (its file was truncated or changed on disk): it is missing again, every block wanted.
    /// Unknown or missing pieces are ignored.
    /// </summary>
    public void PieceLost(int piece)
    {
        CheckPiece(piece);
        if (!_have[piece]) return;
        _have[piece] = false;
        if (_priority[piece] == 0) return;
        _needed[piece] = true;
        AddFresh(piece);
        _unclaimedBlocks += _layout.BlockCount(piece);
        _freshVersion++;
    }

    /// <summary>A snapshot of the blocks the peer has claimed.</summary>
    public IReadOnlyCollection<BlockRequest> ClaimsOf(int peer)
    {
        if (!_peers.TryGetValue(peer, out var state) || state.Claims.Count == 0) return Array.Empty<BlockRequest>();
        var result = new BlockRequest[state.Claims.Count];
        state.Claims.CopyTo(result);
        return result;
    }

    // ---- piece states ----

    private bool IsFresh(int piece) => !_have[piece] && ProgressOf(piece) is null;

    /// <summary>The started piece's progress; null for a piece not started (and for every piece before the first starts).</summary>
    private PieceProgress? ProgressOf(int piece) => _progress?[piece];

    private PieceProgress Activate(int piece)
    {
        if (_priority[piece] > 0) RemoveFresh(piece);
        var progress = _pool.Count > 0 ? _pool.Pop() : new PieceProgress();
        progress.Reset(piece, _layout.BlockCount(piece));
        (_progress ??= new PieceProgress?[_layout.PieceCount])[piece] = progress;
        _active.Add(piece);
        _open.Add(piece);
        return progress;
    }

    private void Deactivate(PieceProgress progress)
    {
        var piece = progress.Piece;
        if (progress.MissingCount > progress.FreeCount) DropClaimsOn(progress);
        _progress![piece] = null;
        _owners.Remove(piece);
        _active.Remove(piece);
        if (_open.Contains(piece)) _open.Remove(piece);
        _pool.Push(progress);
    }

    private void DropClaimsOn(PieceProgress progress)
    {
        foreach (var state in _peers.Values)
            for (var block = 0; block < progress.BlockCount; block++)
                if (progress.Claims(block) > 0)
                    state.Unclaim(_layout.Block(progress.Piece, block));
    }

    private void ChangeAvailability(int piece, int delta)
    {
        var fresh = IsFresh(piece) && _priority[piece] > 0;
        if (fresh) RemoveFresh(piece);
        _availability[piece] += delta;
        if (fresh) AddFresh(piece);
    }

    /// <summary>A fresh wanted piece joins the bucket of its level and availability.</summary>
    private void AddFresh(int piece)
    {
        var availability = _availability[piece];
        var level = _priority[piece] - 1;
        var buckets = _levels[level];
        while (buckets.Count <= availability) buckets.Add(new IndexedPieceSet(_bucketPositions));
        buckets[availability].Add(piece);
        _freshAt[level]++;
    }

    private void RemoveFresh(int piece)
    {
        var level = _priority[piece] - 1;
        _levels[level][_availability[piece]].Remove(piece);
        _freshAt[level]--;
    }

    // ---- checks ----

    private bool Fits(BlockRequest block) =>
        (uint)block.Piece < (uint)_layout.PieceCount
        && block.Offset >= 0 && block.Offset % TorrentLayout.BlockSize == 0
        && block.BlockIndex < _layout.BlockCount(block.Piece)
        && block.Length == _layout.BlockLength(block.Piece, block.BlockIndex);

    private PeerState GetPeer(int peer) =>
        _peers.TryGetValue(peer, out var state) ? state : throw new InvalidOperationException($"peer {peer} was not added to the picker");

    private void CheckSize(Bitfield field)
    {
        if (field.Count != _layout.PieceCount)
            throw new ArgumentException($"the bitfield has {field.Count} pieces, the torrent {_layout.PieceCount}", nameof(field));
    }

    private void CheckPiece(int piece)
    {
        if ((uint)piece >= (uint)_layout.PieceCount)
            throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} is outside the torrent's {_layout.PieceCount} pieces");
    }

    private sealed class PeerState(int key, Bitfield has)
    {
        public int Key { get; } = key;
        private Bitfield? _exhaustedField;
        private int _exhaustedSetCount;
        private long _exhaustedVersion;

        public Bitfield Has { get; } = has;
        public HashSet<BlockRequest> Claims { get; } = new();

        /// <summary>How fast it delivers, as its session last told (<see cref="SetPace"/>).</summary>
        public PeerPace Pace { get; set; }

        /// <summary>The claims this peer made in endgame on blocks another peer had claimed (a subset of <see cref="Claims"/>).</summary>
        public HashSet<BlockRequest> Duplicates { get; } = new();

        /// <summary>Drops a claim (and its mark as a duplicate); false if the peer did not hold it.</summary>
        public bool Unclaim(BlockRequest block)
        {
            Duplicates.Remove(block);
            return Claims.Remove(block);
        }

        /// <summary>
        /// The last search for a fresh piece in this same bitfield found none, and since then neither did the
        /// bitfield gain pieces nor did any piece become fresh again (fresh pieces otherwise only disappear).
        /// </summary>
        public bool KnownExhausted(Bitfield peerHas, long freshVersion) =>
            ReferenceEquals(peerHas, _exhaustedField) && peerHas.SetCount == _exhaustedSetCount && freshVersion == _exhaustedVersion;

        public void MarkExhausted(Bitfield peerHas, long freshVersion)
        {
            _exhaustedField = peerHas;
            _exhaustedSetCount = peerHas.SetCount;
            _exhaustedVersion = freshVersion;
        }
    }
}
