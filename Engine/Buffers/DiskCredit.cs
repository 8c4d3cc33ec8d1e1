namespace Engine.Buffers;

/// <summary>
/// One peer's allowance of received blocks waiting for the disk: its read loop takes one per block
/// (<see cref="Wait"/> / <see cref="WaitAsync"/>) and whoever disposes of the block — the disk worker after the
/// write, or anyone dropping it — gives it back (<see cref="Release"/>). When a <see cref="DiskBudget"/> is
/// given, every block also takes a slot of that engine-wide cap. <see cref="Close"/> (the peer is gone) gives
/// the cap back every slot the peer still holds at once, so blocks lost on the way (e.g. told to a stopped
/// actor) never shrink the cap; their later releases then only count for the peer. Thread-safe.
/// </summary>
internal sealed class DiskCredit
{
    private readonly SemaphoreSlim _own;
    private readonly DiskBudget? _budget;
    private readonly Lock _lock = new();
    private int _heldFromBudget;
    private bool _closed;

    public DiskCredit(int blocks, DiskBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blocks);
        _own = new SemaphoreSlim(blocks);
        _budget = budget;
    }

    /// <summary>Blocks the peer may still take (its own allowance; the engine-wide cap may be lower).</summary>
    public int CurrentCount => _own.CurrentCount;

    /// <summary>Takes a credit when one is free at once, from both the peer's allowance and the engine-wide cap.</summary>
    public bool Wait(int millisecondsTimeout = 0)
    {
        if (!_own.Wait(millisecondsTimeout)) return false;
        if (_budget is null) return true;
        if (!_budget.Slots.Wait(0))
        {
            _own.Release();
            return false;
        }
        Hold();
        return true;
    }

    /// <summary>Waits for a credit: the peer's own first, then a slot of the engine-wide cap.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        await _own.WaitAsync(ct).ConfigureAwait(false);
        if (_budget is null) return;
        try
        {
            await _budget.Slots.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            _own.Release();
            throw;
        }
        Hold();
    }

    /// <summary>Gives back <paramref name="count"/> credits (blocks written or dropped).</summary>
    public void Release(int count = 1)
    {
        if (count <= 0) return;
        _own.Release(count);
        if (_budget is null) return;
        lock (_lock)
        {
            if (_closed) return;
            count = Math.Min(count, _heldFromBudget);
            _heldFromBudget -= count;
        }
        if (count > 0) _budget.Slots.Release(count);
    }

    /// <summary>The peer is gone: the slots it holds in the engine-wide cap are returned now.</summary>
    public void Close()
    {
        if (_budget is null) return;
        int held;
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            held = _heldFromBudget;
            _heldFromBudget = 0;
        }
        if (held > 0) _budget.Slots.Release(held);
    }

    private void Hold()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _heldFromBudget++;
                return;
            }
        }
        _budget!.Slots.Release(); // closed meanwhile: the block will not count against the cap
    }
}
