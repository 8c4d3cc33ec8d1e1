using Engine.Core.Primitives;

namespace Engine.Core.Buffers;

/// <summary>
/// A dedicated pool of exact 16 KiB (<see cref="TorrentLayout.BlockSize"/>) arrays for block payloads.
/// <c>ArrayPool&lt;byte&gt;.Shared</c> keeps too few arrays for 32 peers × their request windows (measured in
/// shared/research/akka-io-measurements.md §3), so blocks get their own pool.
/// Thread-safe. Retention is bounded: a released array beyond <see cref="MaxRetained"/> is left to the GC.
/// Every rent hands out a fresh small <see cref="BlockBuffer"/> wrapper (so a double release is always
/// detected); only the 16 KiB arrays are pooled.
/// </summary>
internal sealed class BlockPool
{
    /// <summary>Default retention of <see cref="Shared"/>: 2048 blocks = 32 MiB kept at most.</summary>
    public const int DefaultMaxRetained = 2048;

    public static BlockPool Shared { get; } = new(DefaultMaxRetained);

    private readonly Lock _lock = new();
    private readonly byte[][] _free;
    private int _freeCount;
    private long _allocated, _rents, _releases, _dropped;

    public BlockPool(int maxRetained)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetained);
        MaxRetained = maxRetained;
        _free = new byte[maxRetained][];
    }

    /// <summary>Most arrays kept for re-use.</summary>
    public int MaxRetained { get; }

    /// <summary>Arrays allocated because the pool was empty.</summary>
    public long Allocated => Interlocked.Read(ref _allocated);

    /// <summary>Rents so far.</summary>
    public long Rents => Interlocked.Read(ref _rents);

    /// <summary>Blocks rented and not yet released (a leak detector for tests).</summary>
    public long Outstanding => Interlocked.Read(ref _rents) - Interlocked.Read(ref _releases);

    /// <summary>Released arrays not kept because the pool was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Arrays currently waiting in the pool.</summary>
    public int Retained { get { lock (_lock) return _freeCount; } }

    /// <summary>Rents a block of <paramref name="length"/> bytes (0 to 16 KiB). Its contents are not cleared.</summary>
    public BlockBuffer Rent(int length)
    {
        if ((uint)length > TorrentLayout.BlockSize)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"a block is 0 to {TorrentLayout.BlockSize} bytes");
        byte[]? array = null;
        lock (_lock)
        {
            if (_freeCount > 0)
            {
                array = _free[--_freeCount];
                _free[_freeCount] = null!;
            }
        }
        if (array is null)
        {
            array = GC.AllocateUninitializedArray<byte>(TorrentLayout.BlockSize);
            Interlocked.Increment(ref _allocated);
        }
        Interlocked.Increment(ref _rents);
        return new BlockBuffer(this, array, length);
    }

    /// <summary>Rents a block holding a copy of <paramref name="content"/> (at most 16 KiB).</summary>
    public BlockBuffer RentCopy(ReadOnlySpan<byte> content)
    {
        var block = Rent(content.Length);
        content.CopyTo(block.Array);
        return block;
    }

    internal void Return(byte[] array)
    {
        Interlocked.Increment(ref _releases);
        lock (_lock)
        {
            if (_freeCount < _free.Length)
            {
                _free[_freeCount++] = array;
                return;
            }
        }
        Interlocked.Increment(ref _dropped);
    }
}
