namespace Engine.Limits;

/// <summary>
/// A count of open peer connections shared by every torrent of an engine (the global connection limit);
/// each torrent's PeerManager also keeps its own per-torrent limit. Thread-safe, lock-free.
/// </summary>
internal sealed class ConnectionBudget
{
    private int _inUse;

    /// <param name="max">Most connections at once; 0 for no limit.</param>
    public ConnectionBudget(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        Max = max;
    }

    /// <summary>A budget without a limit (it still counts).</summary>
    public static ConnectionBudget Unlimited() => new(0);

    public int Max { get; }

    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes one connection slot; false when the budget is spent.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _inUse);
            if (Max > 0 && current >= Max) return false;
            if (Interlocked.CompareExchange(ref _inUse, current + 1, current) == current) return true;
        }
    }

    /// <summary>Gives back <paramref name="count"/> slots taken with <see cref="TryAcquire"/>.</summary>
    public void Release(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var after = Interlocked.Add(ref _inUse, -count);
        if (after < 0) throw new InvalidOperationException($"released {count} connection slots more than were taken");
    }
}
