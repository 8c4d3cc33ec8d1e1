namespace Engine.Core.Bencode;

/// <summary>A bencode list (<c>l...e</c>).</summary>
internal sealed class BList : BValue
{
    public BList(IEnumerable<BValue> items) : this(items.ToArray(), 0, 0) { }

    public BList(params BValue[] items) : this(items, 0, 0) { }

    internal BList(IReadOnlyList<BValue> items, int start, int end) : base(start, end) => Items = items;

    public IReadOnlyList<BValue> Items { get; }

    public int Count => Items.Count;

    public BValue this[int index] => Items[index];
}
