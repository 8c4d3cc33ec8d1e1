namespace Engine.Core.Bencode;

/// <summary>A bencode integer (<c>i42e</c>): a signed 64-bit value.</summary>
internal sealed class BInteger : BValue
{
    public BInteger(long value) : this(value, 0, 0) { }

    internal BInteger(long value, int start, int end) : base(start, end) => Value = value;

    public long Value { get; }

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
