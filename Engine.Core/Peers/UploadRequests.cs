using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>
/// The peer's requests we have accepted and not yet handed to the write loop, in arrival order. A cancel removes a
/// request; the queue may then hold stale entries, which <see cref="TryDequeue"/> skips.
/// </summary>
internal sealed class UploadRequests
{
    private readonly Queue<BlockRequest> _order = new();   // arrival order; may hold cancelled entries
    private readonly HashSet<BlockRequest> _pending = new(); // requests not yet handed on

    /// <summary>Requests waiting.</summary>
    public int Count => _pending.Count;

    /// <summary>Queue entries, stale ones included (bounded too, so that cancel-and-request churn cannot grow it).</summary>
    public int QueueLength => _order.Count;

    public bool Contains(BlockRequest block) => _pending.Contains(block);

    public void Add(BlockRequest block)
    {
        if (_pending.Add(block)) _order.Enqueue(block);
    }

    /// <summary>A cancel: true when the request was still waiting (it is gone now).</summary>
    public bool Remove(BlockRequest block) => _pending.Remove(block);

    /// <summary>Removes every waiting request for <paramref name="piece"/>; returns them (empty when none).</summary>
    public BlockRequest[] RemovePiece(int piece)
    {
        List<BlockRequest>? removed = null;
        foreach (var block in _pending)
            if (block.Piece == piece) (removed ??= new()).Add(block);
        if (removed is null) return [];
        foreach (var block in removed) _pending.Remove(block);
        return [.. removed];
    }

    /// <summary>The oldest waiting request, now no longer waiting.</summary>
    public bool TryDequeue(out BlockRequest block)
    {
        while (_order.TryDequeue(out block))
            if (_pending.Remove(block)) return true;
        return false;
    }

    /// <summary>Every waiting request, in no particular order, now forgotten.</summary>
    public BlockRequest[] TakeAll()
    {
        var all = new BlockRequest[_pending.Count];
        _pending.CopyTo(all);
        _pending.Clear();
        _order.Clear();
        return all;
    }
}
