namespace Engine.TrackerServer;

/// <summary>
/// The bytes of request bodies (published .torrent files) the HTTP server may hold at once, over all connections.
/// A body is read in steps and its buffer grows only as bytes arrive, each step taken from this budget first; when the
/// budget is spent the request is answered 503 and closed. Before, each body was allocated at its declared
/// Content-Length before a byte of it arrived: 250 uploads declaring 4 MiB took the tracker from 231 MB to 1.19 GB.
/// Thread-safe.
/// </summary>
internal sealed class BodyBudget(long bytes)
{
    private long _free = bytes;
    private long _peak;

    public long Capacity { get; } = bytes;

    /// <summary>Bytes held by bodies being read or handled now.</summary>
    public long InUse => Capacity - Volatile.Read(ref _free);

    /// <summary>The most bytes held at once so far.</summary>
    public long PeakInUse => Volatile.Read(ref _peak);

    /// <summary>Takes <paramref name="count"/> bytes from the budget; false (nothing taken) when not that many are left.</summary>
    public bool TryTake(long count)
    {
        while (true)
        {
            var free = Volatile.Read(ref _free);
            if (free < count) return false;
            if (Interlocked.CompareExchange(ref _free, free - count, free) != free) continue;
            var used = Capacity - (free - count);
            for (var peak = Volatile.Read(ref _peak); used > peak; peak = Volatile.Read(ref _peak))
                if (Interlocked.CompareExchange(ref _peak, used, peak) == peak) break;
            return true;
        }
    }

    /// <summary>Gives back bytes taken with <see cref="TryTake"/>.</summary>
    public void Return(long count) => Interlocked.Add(ref _free, count);
}
