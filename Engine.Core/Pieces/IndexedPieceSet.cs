namespace Engine.Core.Pieces;

/// <summary>
/// An unordered set of piece indices with O(1) add, remove and contains, backed by an array plus a
/// position table (index of each piece in the array, or -1). Several sets may share one position
/// table when a piece is in at most one of them at a time (the availability buckets do).
/// </summary>
internal sealed class IndexedPieceSet
{
    private readonly int _pieceCount; // a set with its own table: the table's size, made on the first Add
    private int[]? _positions;
    private int[] _items;

    public IndexedPieceSet(int[] positions, int capacity = 4)
    {
        _positions = positions;
        _items = new int[Math.Max(capacity, 4)];
    }

    private IndexedPieceSet(int pieceCount)
    {
        _pieceCount = pieceCount;
        _items = [];
    }

    /// <summary>
    /// Creates a set with its own position table for pieces 0..pieceCount-1, made on the first <see cref="Add"/>: a
    /// complete torrent's picker never starts a piece, and its two sets would be 8 bytes a piece for nothing.
    /// </summary>
    public static IndexedPieceSet Create(int pieceCount) => new(pieceCount);

    public int Count { get; private set; }

    public int this[int index] => _items[index];

    /// <summary>Only meaningful when the position table is not shared.</summary>
    public bool Contains(int piece) => _positions is { } positions && positions[piece] >= 0;

    public void Add(int piece)
    {
        var positions = _positions ??= NewTable(_pieceCount);
        if (Count == _items.Length) Array.Resize(ref _items, Math.Max(4, _items.Length * 2));
        positions[piece] = Count;
        _items[Count++] = piece;
    }

    /// <summary>Removes the piece (which must be in the set) by moving the last item into its slot.</summary>
    public void Remove(int piece)
    {
        var positions = _positions!;
        var index = positions[piece];
        var last = _items[--Count];
        _items[index] = last;
        positions[last] = index;
        positions[piece] = -1;
    }

    private static int[] NewTable(int pieceCount)
    {
        var positions = new int[pieceCount];
        Array.Fill(positions, -1);
        return positions;
    }
}
