using Engine.Core.Buffers;

namespace Engine.Buffers;

/// <summary>
/// The engine-wide cap on received blocks waiting for the disk, across every peer of every torrent, so that
/// block memory does not grow with the number of peers. Each peer's <see cref="DiskCredit"/> takes one slot
/// here per block on top of its own allowance. Thread-safe.
/// </summary>
internal sealed class DiskBudget
{
    private readonly SemaphoreSlim _slots;

    public DiskBudget(int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        Capacity = blocks;
        _slots = new SemaphoreSlim(blocks, blocks);
    }

    /// <summary>Smallest engine-wide cap on blocks waiting for the disk (1 MiB).</summary>
    public const int MinBlocks = 64;

    /// <summary>
    /// The cap for everyone renting from <paramref name="pool"/> (one engine): a quarter of what the pool retains (at
    /// least <see cref="MinBlocks"/>), e.g. 16 MiB of the default 64 MiB.
    /// </summary>
    public static DiskBudget For(BlockPool pool) => new(Math.Max(MinBlocks, pool.MaxRetained / 4));

    /// <summary>Most blocks waiting for the disk at once.</summary>
    public int Capacity { get; }

    /// <summary>Blocks currently counted against the cap.</summary>
    public int InFlight => Capacity - _slots.CurrentCount;

    internal SemaphoreSlim Slots => _slots;
}
