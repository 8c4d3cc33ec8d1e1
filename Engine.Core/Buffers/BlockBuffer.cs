namespace Engine.Core.Buffers;

/// <summary>
/// A rented 16 KiB array of which the first <see cref="Length"/> bytes are in use. Whoever holds it owns it
/// and must call <see cref="Release"/> exactly once; after that every accessor throws
/// <see cref="InvalidOperationException"/>, and so does a second release.
/// </summary>
internal sealed class BlockBuffer
{
    private readonly BlockPool _pool;
    private readonly byte[] _array;
    private int _released;

    internal BlockBuffer(BlockPool pool, byte[] array, int length)
    {
        _pool = pool;
        _array = array;
        Length = length;
    }

    public int Length { get; }

    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>The whole pooled array (16 KiB); only the first <see cref="Length"/> bytes are the block.</summary>
    public byte[] Array
    {
        get
        {
            ThrowIfReleased();
            return _array;
        }
    }

    public Memory<byte> Memory => Array.AsMemory(0, Length);

    public Span<byte> Span => Array.AsSpan(0, Length);

    public ArraySegment<byte> Segment => new(Array, 0, Length);

    /// <summary>Returns the array to its pool. Throws <see cref="InvalidOperationException"/> when already released.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
            throw new InvalidOperationException("block buffer released twice");
        _pool.Return(_array);
    }

    private void ThrowIfReleased()
    {
        if (Volatile.Read(ref _released) != 0)
            throw new InvalidOperationException("block buffer used after release");
    }

    public override string ToString() => $"BlockBuffer({Length} B{(IsReleased ? ", released" : "")})";
}
