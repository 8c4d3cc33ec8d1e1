using System.Security.Cryptography;
using Engine.Core.Primitives;

namespace Engine.Core.Storage;

/// <summary>
/// SHA-1 of pieces computed as their blocks are written, so that verifying a piece needs (almost) no
/// read-back. Each tracked piece keeps the hash of its written prefix (<c>Next</c> bytes) and which blocks
/// beyond it are already on disk. The block that continues the prefix is hashed from memory; blocks that
/// arrived ahead of it and are already written are then read back (from the page cache) to extend the
/// prefix, so a peer that sends a piece slightly out of order costs a few block reads, not the whole piece.
/// When verifying, whatever the prefix does not cover is read back too, up to a bound; beyond it (or when
/// the piece is not tracked) the caller reads the whole piece back itself.
/// At most <see cref="MaxLive"/> pieces are tracked; starting one more evicts the least recently written.
/// A block rewritten inside the hashed prefix drops the piece (its bytes on disk may differ from the hash).
/// Not thread-safe: one owner (the disk worker) feeds it and asks for results.
/// </summary>
internal sealed class InOrderPieceHasher : IDisposable
{
    /// <summary>Reads <paramref name="destination"/>.Length bytes of the torrent at <paramref name="torrentOffset"/>.</summary>
    public delegate void ReadAt(long torrentOffset, Span<byte> destination);

    private sealed class State(int bitmapWords)
    {
        public readonly IncrementalHash Sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        public readonly ulong[] Written = new ulong[bitmapWords];   // blocks on disk beyond the prefix
        public int Piece = -1;
        public int Next;                                            // bytes hashed (a prefix of the piece)
        public int ReadBack;                                        // bytes of it read back from disk
        public long Touched;

        public bool IsWritten(int block) => (Written[block >> 6] & (1UL << block)) != 0;
        public void MarkWritten(int block) => Written[block >> 6] |= 1UL << block;
    }

    /// <summary>Default bound on pieces tracked at once (a state is about 200 bytes plus a bit per block).</summary>
    public const int DefaultMaxLive = 64;

    private const int Block = TorrentLayout.BlockSize;
    private readonly TorrentLayout _layout;
    private readonly ReadAt _read;
    private readonly int _bitmapWords;
    private readonly Dictionary<int, State> _live;
    private readonly Stack<State> _spare = new();
    private byte[]? _scratch; // allocated on the first read-back: a seeding or idle torrent never needs it
    private long _clock;
    private bool _disposed;

    public InOrderPieceHasher(TorrentLayout layout, ReadAt read, int maxLive = DefaultMaxLive)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLive, 1);
        _layout = layout;
        _read = read;
        _bitmapWords = (layout.BlocksPerPiece + 63) / 64;
        MaxLive = maxLive;
        _live = new Dictionary<int, State>(); // grows with the pieces in flight: none while seeding
    }

    /// <summary>Most piece states kept at once.</summary>
    public int MaxLive { get; }

    /// <summary>Pieces currently tracked.</summary>
    public int Live => _live.Count;

    /// <summary>Pieces whose state was dropped (evicted, a rewritten block, a tail too long to read back).</summary>
    public long Abandoned { get; private set; }

    /// <summary>Bytes read back from disk to extend prefixes or finish pieces.</summary>
    public long BytesReadBack { get; private set; }

    /// <summary>Records a block that has just been written at <paramref name="offset"/> of <paramref name="piece"/>.</summary>
    public void Written(int piece, int offset, ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_live.TryGetValue(piece, out var state)) state = Start(piece);
        state.Touched = ++_clock;
        var size = _layout.PieceSize(piece);
        if (offset % Block != 0 || offset + data.Length > size || data.Length != Math.Min(Block, size - offset)
            || offset < state.Next)
        {
            Drop(state); // not a block of ours, or a rewrite of hashed bytes: verify by reading the piece back
            return;
        }
        if (offset > state.Next)
        {
            state.MarkWritten(offset / Block);
            return;
        }
        state.Sha.AppendData(data);
        state.Next += data.Length;
        CatchUp(state, size);
    }

    /// <summary>
    /// Writes the piece's SHA-1 to <paramref name="digest"/> (20 bytes) and returns true when it is tracked and
    /// at most <paramref name="maxReadBack"/> of its bytes remain to be read back (they are read now); otherwise
    /// false, and the caller reads the whole piece back. Either way the piece is forgotten.
    /// <paramref name="readBack"/> is how many of the piece's bytes were read from disk in all.
    /// </summary>
    public bool TryFinish(int piece, Span<byte> digest, int maxReadBack, out int readBack)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        readBack = 0;
        if (!_live.TryGetValue(piece, out var state)) return false;
        var size = _layout.PieceSize(piece);
        if (size - state.Next > maxReadBack)
        {
            Drop(state);
            return false;
        }
        while (state.Next < size) ReadBackNext(state, size);
        readBack = state.ReadBack;
        state.Sha.GetHashAndReset(digest);
        Release(state);
        return true;
    }

    /// <summary>Stops tracking <paramref name="piece"/>.</summary>
    public void Forget(int piece)
    {
        if (_live.TryGetValue(piece, out var state)) Drop(state);
    }

    /// <summary>Extends the prefix over blocks already written ahead of it.</summary>
    private void CatchUp(State state, int size)
    {
        while (state.Next < size && state.IsWritten(state.Next / Block)) ReadBackNext(state, size);
    }

    private void ReadBackNext(State state, int size)
    {
        var n = Math.Min(Block, size - state.Next);
        var chunk = (_scratch ??= new byte[Block]).AsSpan(0, n);
        _read(_layout.PieceOffset(state.Piece) + state.Next, chunk);
        state.Sha.AppendData(chunk);
        state.Next += n;
        state.ReadBack += n;
        BytesReadBack += n;
    }

    private State Start(int piece)
    {
        if (_live.Count >= MaxLive) Drop(LeastRecent());
        var state = _spare.Count > 0 ? _spare.Pop() : new State(_bitmapWords);
        state.Piece = piece;
        _live.Add(piece, state);
        return state;
    }

    private State LeastRecent()
    {
        State? oldest = null;
        foreach (var s in _live.Values)
            if (oldest is null || s.Touched < oldest.Touched) oldest = s;
        return oldest!;
    }

    private void Drop(State state)
    {
        Abandoned++;
        Span<byte> discard = stackalloc byte[20];
        state.Sha.GetHashAndReset(discard);
        Release(state);
    }

    private void Release(State state)
    {
        _live.Remove(state.Piece);
        state.Piece = -1;
        state.Next = 0;
        state.ReadBack = 0;
        Array.Clear(state.Written);
        _spare.Push(state);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _live.Values) s.Sha.Dispose();
        foreach (var s in _spare) s.Sha.Dispose();
        _live.Clear();
        _spare.Clear();
    }
}
