namespace Engine.Core.Pieces;

/// <summary>
/// An unordered set of piece indices with O(1) add, remove and contains, backed by an array plus a
/// position table (index of each piece in the array, or -1). Several sets may share one position
/// table when a piece is in at most one of them at a time (the availability buckets do).
/// </summary>
internal sealed class IndexedPieceSet
{
    private readonly int[] _positions;
    private int[] _items;

    public IndexedPieceSet(int[] positions, int capacity = 4)
    {
        _positions = positions;
        _items = new int[Math.Max(capacity, 4)];
    }

    /// <summary>Creates a set with its own position table for pieces 0..pieceCount-1.</summary>
    public static IndexedPieceSet Create(int pieceCount)
    {
        var positions = new int[pieceCount];
        Array.Fill(positions, -1);
        return new IndexedPieceSet(positions);
    }

    public int Count { get; private set; }

    public int this[int index] => _items[index];

    /// <summary>Only meaningful when the position table is not shared.</summary>
    public bool Contains(int piece) => _positions[piece] >= 0;

    public void Add(int piece)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _positions[piece] = Count;
        _items[Count++] = piece;
    }

    /// <summary>Removes the piece by moving the last item into its slot.</summary>
    public void Remove(int piece)
    {
        var index = _positions[piece];
        var last = _items[--Count];
        _items[index] = last;
        _positions[last] = index;
        _positions[piece] = -1;
    }
}
