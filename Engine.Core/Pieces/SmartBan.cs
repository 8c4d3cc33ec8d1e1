namespace Engine.Core.Pieces;

/// <summary>
/// Finds the peer that lied when a piece fails its hash check, instead of blaming everyone who contributed to it.
/// On a failure the caller tells, per block, who sent it and a <see cref="BlockDigest"/> of the bytes written; the
/// piece is then fetched again (preferably from a single peer). When a later copy passes, every recorded block is
/// compared with the good one: a peer whose block differs is guilty (it sent bytes that are provably wrong), the
/// others are cleared. A peer that alone sent every block of a failed piece, twice, is guilty too — that covers a
/// liar that is the only source of a piece, whose good copy never comes. Pure and synchronous; the memory is bounded
/// (<c>maxPieces</c> failed pieces remembered, the oldest forgotten first; <c>maxSuspects</c> sole-source counters).
/// </summary>
/// <typeparam name="TPeer">How a peer is named; the engine uses its ban key (the IP address, or address and port on a shared host).</typeparam>
internal sealed class SmartBan<TPeer> where TPeer : class
{
    /// <summary>Failed pieces a peer may be the only source of before it is banned.</summary>
    public const int SoleFailuresToBan = 2;

    private readonly record struct Sent(int Block, TPeer Peer, UInt128 Digest);

    private sealed class Record
    {
        public readonly List<Sent> Blocks = new();
        public readonly List<TPeer> SoleSources = new();
        public long Generation;
    }

    private readonly Dictionary<int, Record> _records = new();
    private readonly Queue<(int Piece, long Generation)> _order = new();
    private readonly Dictionary<TPeer, (int Count, long Generation)> _soleFailures = new();
    private readonly Queue<(TPeer Peer, long Generation)> _suspectOrder = new();
    private long _generation;
    private readonly int _maxPieces;
    private readonly int _maxSuspects;

    public SmartBan(int maxPieces = 256, int maxSuspects = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPieces, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSuspects, 1);
        _maxPieces = maxPieces;
        _maxSuspects = maxSuspects;
    }

    /// <summary>Failed pieces whose senders are remembered.</summary>
    public int TrackedPieces => _records.Count;

    /// <summary>Peers that were the only source of a failed piece and are not cleared yet.</summary>
    public int Suspects => _soleFailures.Count;

    /// <summary>The piece failed before: its next good copy should be compared block by block (<see cref="PiecePassed"/>).</summary>
    public bool IsSuspect(int piece) => _records.ContainsKey(piece);

    /// <summary>How many failed pieces <paramref name="peer"/> was the only source of (not yet cleared).</summary>
    public int SoleFailures(TPeer peer) => _soleFailures.TryGetValue(peer, out var s) ? s.Count : 0;

    /// <summary>
    /// A piece failed its hash check. <paramref name="senders"/>[i]: the peer whose copy of block i was written (null:
    /// unknown); <paramref name="digests"/>[i]: the digest of what was written (empty when the piece could not be read
    /// back: only the sole-source rule applies then). Returns the peers found guilty by the sole-source rule.
    /// </summary>
    public SmartBanVerdict<TPeer> PieceFailed(int piece, IReadOnlyList<TPeer?> senders, ReadOnlySpan<UInt128> digests)
    {
        ArgumentNullException.ThrowIfNull(senders);
        if (!digests.IsEmpty && digests.Length != senders.Count)
            throw new ArgumentException($"{digests.Length} digests for {senders.Count} blocks", nameof(digests));
        if (!_records.TryGetValue(piece, out var record))
        {
            record = new Record { Generation = ++_generation };
            _records.Add(piece, record);
            _order.Enqueue((piece, record.Generation));
            TrimPieces();
        }
        TPeer? sole = null;
        var several = false;
        for (var block = 0; block < senders.Count; block++)
        {
            if (senders[block] is not { } peer) continue;
            if (sole is null) sole = peer;
            else if (!sole.Equals(peer)) several = true;
            if (!digests.IsEmpty) Remember(record, new Sent(block, peer, digests[block]));
        }
        if (sole is null || several) return SmartBanVerdict<TPeer>.None;
        record.SoleSources.Add(sole);
        var failures = SoleFailures(sole) + 1;
        if (failures < SoleFailuresToBan)
        {
            if (_soleFailures.TryGetValue(sole, out var known)) _soleFailures[sole] = (failures, known.Generation);
            else
            {
                _soleFailures.Add(sole, (failures, ++_generation));
                _suspectOrder.Enqueue((sole, _generation));
                TrimSuspects();
            }
            return SmartBanVerdict<TPeer>.None;
        }
        _soleFailures.Remove(sole);
        return new SmartBanVerdict<TPeer>([sole], []);
    }

    /// <summary>
    /// A piece passed its hash check; <paramref name="goodDigests"/> are the digests of its blocks as now written (empty
    /// when they could not be read). Every peer that sent a recorded block of an earlier failed copy is judged: guilty
    /// if any of its blocks differs from the good copy, cleared otherwise. The piece is forgotten either way.
    /// </summary>
    public SmartBanVerdict<TPeer> PiecePassed(int piece, ReadOnlySpan<UInt128> goodDigests)
    {
        if (!_records.Remove(piece, out var record) || goodDigests.IsEmpty) return SmartBanVerdict<TPeer>.None;
        var guilty = new List<TPeer>();
        foreach (var sent in record.Blocks)
            if (sent.Block < goodDigests.Length && sent.Digest != goodDigests[sent.Block] && !guilty.Contains(sent.Peer))
                guilty.Add(sent.Peer);
        var cleared = new List<TPeer>();
        foreach (var sent in record.Blocks)
            if (!guilty.Contains(sent.Peer) && !cleared.Contains(sent.Peer)) cleared.Add(sent.Peer);
        foreach (var sole in record.SoleSources)
        {
            if (!cleared.Contains(sole) || !_soleFailures.TryGetValue(sole, out var n)) continue;
            if (n.Count <= 1) _soleFailures.Remove(sole);
            else _soleFailures[sole] = (n.Count - 1, n.Generation);
        }
        foreach (var peer in guilty) _soleFailures.Remove(peer);
        return guilty.Count == 0 && cleared.Count == 0 ? SmartBanVerdict<TPeer>.None : new SmartBanVerdict<TPeer>(guilty, cleared);
    }

    private static void Remember(Record record, Sent sent)
    {
        foreach (var known in record.Blocks)
            if (known == sent) return;
        record.Blocks.Add(sent);
    }

    /// <summary>
    /// Forgets the oldest failed pieces beyond the bound. The queue may hold stale entries (pieces judged since, or
    /// recorded again under a newer generation): those are skipped, and the queue is rebuilt from the live records
    /// once it holds twice the bound (amortised O(1) per failure).
    /// </summary>
    private void TrimPieces()
    {
        while (_records.Count > _maxPieces && _order.TryDequeue(out var oldest))
            if (_records.TryGetValue(oldest.Piece, out var r) && r.Generation == oldest.Generation) _records.Remove(oldest.Piece);
        if (_order.Count <= 2 * _maxPieces) return;
        var live = _order.Where(e => _records.TryGetValue(e.Piece, out var r) && r.Generation == e.Generation).ToArray();
        _order.Clear();
        foreach (var e in live) _order.Enqueue(e);
    }

    private void TrimSuspects()
    {
        while (_soleFailures.Count > _maxSuspects && _suspectOrder.TryDequeue(out var oldest))
            if (_soleFailures.TryGetValue(oldest.Peer, out var s) && s.Generation == oldest.Generation) _soleFailures.Remove(oldest.Peer);
        if (_suspectOrder.Count <= 2 * _maxSuspects) return;
        var live = _suspectOrder.Where(e => _soleFailures.TryGetValue(e.Peer, out var s) && s.Generation == e.Generation).ToArray();
        _suspectOrder.Clear();
        foreach (var e in live) _suspectOrder.Enqueue(e);
    }
}
