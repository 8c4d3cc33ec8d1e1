using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>
/// The blocks we have requested from one peer and not yet received, each with the time it was requested. Peers
/// serve requests in order, so a block still outstanding well after blocks requested later than it have arrived was
/// skipped (dropped from an overfull queue, or lost): <see cref="TakeSkipped"/> finds those.
/// </summary>
internal sealed class OutstandingRequests
{
    private readonly Dictionary<BlockRequest, Requested> _requestedAt = new();
    private DateTimeOffset _newestServed; // request time of the most recently requested block that arrived
    private long _sent; // requests added so far: the order the peer was sent them in

    public int Count => _requestedAt.Count;

    public bool Contains(BlockRequest block) => _requestedAt.ContainsKey(block);

    public bool Add(BlockRequest block, DateTimeOffset now) => _requestedAt.TryAdd(block, new Requested(now, ++_sent));

    /// <summary>Forgets a block (cancelled, rejected); false when it was not outstanding.</summary>
    public bool Remove(BlockRequest block) => _requestedAt.Remove(block);

    /// <summary>A block arrived: true when it was outstanding (and is no longer), with the time it was requested.</summary>
    public bool Arrived(BlockRequest block, out DateTimeOffset requestedAt)
    {
        requestedAt = default;
        if (!_requestedAt.Remove(block, out var requested)) return false;
        requestedAt = requested.At;
        if (requestedAt > _newestServed) _newestServed = requestedAt;
        return true;
    }

    /// <summary>Every outstanding block, now forgotten (null when there is none).</summary>
    public BlockRequest[]? TakeAll()
    {
        if (_requestedAt.Count == 0) return null;
        var blocks = new BlockRequest[_requestedAt.Count];
        _requestedAt.Keys.CopyTo(blocks, 0);
        _requestedAt.Clear();
        return blocks;
    }

    /// <summary>
    /// The <paramref name="count"/> most recently requested blocks (the last the peer will serve, by the order they were
    /// sent in: a batch sent at one moment is served in its own order), now forgotten.
    /// </summary>
    public BlockRequest[] TakeNewest(int count)
    {
        var all = new KeyValuePair<BlockRequest, Requested>[_requestedAt.Count];
        ((ICollection<KeyValuePair<BlockRequest, Requested>>)_requestedAt).CopyTo(all, 0);
        Array.Sort(all, static (a, b) => b.Value.Order.CompareTo(a.Value.Order));
        var taken = new BlockRequest[Math.Clamp(count, 0, all.Length)];
        for (var i = 0; i < taken.Length; i++)
        {
            taken[i] = all[i].Key;
            _requestedAt.Remove(taken[i]);
        }
        return taken;
    }

    /// <summary>
    /// The blocks requested more than <paramref name="timeout"/> ago that were skipped — a block requested over a
    /// second after them has arrived — now forgotten (null when there is none).
    /// </summary>
    public BlockRequest[]? TakeSkipped(DateTimeOffset now, TimeSpan timeout)
    {
        List<BlockRequest>? skipped = null;
        foreach (var (block, (requestedAt, _)) in _requestedAt)
            if (now - requestedAt > timeout && _newestServed - requestedAt > TimeSpan.FromSeconds(1))
                (skipped ??= []).Add(block);
        if (skipped is null) return null;
        foreach (var block in skipped) _requestedAt.Remove(block);
        return skipped.ToArray();
    }

    private readonly record struct Requested(DateTimeOffset At, long Order);
}
