using System.Buffers.Binary;
using System.Numerics;

namespace Engine.Core.Pieces;

/// <summary>
/// A fixed-size set of piece indices in wire order: piece 0 is bit 7 (the high bit) of byte 0.
/// Stored as 64-bit words whose most significant bit is the lowest index, so a word written
/// big-endian is exactly the wire bytes. <see cref="SetCount"/> is maintained incrementally.
/// Spare bits past <see cref="Count"/> are always zero.
/// </summary>
internal sealed class Bitfield
{
    private readonly ulong[] _words;

    public Bitfield(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        _words = new ulong[(count + 63) >> 6];
    }

    private Bitfield(int count, ulong[] words, int setCount)
    {
        Count = count;
        _words = words;
        SetCount = setCount;
    }

    /// <summary>
    /// Builds a bitfield from the payload of a bitfield message. The caller has validated the length
    /// (<c>(count + 7) / 8</c> bytes) and that spare bits are zero; spare bits are ignored regardless.
    /// </summary>
    public static Bitfield FromWire(ReadOnlySpan<byte> bits, int count)
    {
        var field = new Bitfield(count);
        var bytes = (count + 7) >> 3;
        if (bits.Length != bytes)
            throw new ArgumentException($"a bitfield of {count} pieces is {bytes} bytes, got {bits.Length}", nameof(bits));
        var words = field._words;
        var full = bytes >> 3;
        for (var w = 0; w < full; w++)
            words[w] = BinaryPrimitives.ReadUInt64BigEndian(bits.Slice(w << 3, 8));
        if (full < words.Length)
        {
            Span<byte> tail = stackalloc byte[8];
            tail.Clear();
            bits[(full << 3)..].CopyTo(tail);
            words[full] = BinaryPrimitives.ReadUInt64BigEndian(tail);
        }
        field.MaskSpareBits();
        var set = 0;
        foreach (var word in words) set += BitOperations.PopCount(word);
        field.SetCount = set;
        return field;
    }

    /// <summary>Number of pieces (bits).</summary>
    public int Count { get; }

    /// <summary>Number of set bits.</summary>
    public int SetCount { get; private set; }

    public bool AllSet => SetCount == Count;

    public bool NoneSet => SetCount == 0;

    /// <summary>Bytes on the wire: <c>(Count + 7) / 8</c>.</summary>
    public int WireLength => (Count + 7) >> 3;

    public bool this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) ThrowIndex(index);
            return (_words[index >> 6] & Mask(index)) != 0;
        }
        set
        {
            if ((uint)index >= (uint)Count) ThrowIndex(index);
            ref var word = ref _words[index >> 6];
            var mask = Mask(index);
            var was = (word & mask) != 0;
            if (was == value) return;
            if (value) { word |= mask; SetCount++; }
            else { word &= ~mask; SetCount--; }
        }
    }

    public void SetAll()
    {
        Array.Fill(_words, ulong.MaxValue);
        MaskSpareBits();
        SetCount = Count;
    }

    public void ClearAll()
    {
        Array.Clear(_words);
        SetCount = 0;
    }

    public byte[] ToWire()
    {
        var bytes = new byte[WireLength];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Writes the <see cref="WireLength"/> wire bytes to the start of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        var bytes = WireLength;
        if (destination.Length < bytes)
            throw new ArgumentException($"a bitfield of {Count} pieces needs {bytes} bytes, the destination has {destination.Length}", nameof(destination));
        var full = bytes >> 3;
        for (var w = 0; w < full; w++)
            BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(w << 3, 8), _words[w]);
        if (full < _words.Length)
        {
            Span<byte> tail = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(tail, _words[full]);
            tail[..(bytes - (full << 3))].CopyTo(destination[(full << 3)..]);
        }
    }

    public Bitfield Clone() => new(Count, (ulong[])_words.Clone(), SetCount);

    /// <summary>The first set index at or after <paramref name="from"/>, or -1.</summary>
    public int NextSet(int from)
    {
        if (from < 0) from = 0;
        if (from >= Count) return -1;
        var w = from >> 6;
        var word = _words[w] & (ulong.MaxValue >> (from & 63));
        while (true)
        {
            if (word != 0) return (w << 6) + BitOperations.LeadingZeroCount(word);
            if (++w == _words.Length) return -1;
            word = _words[w];
        }
    }

    /// <summary>The first clear index at or after <paramref name="from"/>, or -1.</summary>
    public int NextClear(int from)
    {
        if (from < 0) from = 0;
        if (from >= Count) return -1;
        var w = from >> 6;
        var word = ~_words[w] & (ulong.MaxValue >> (from & 63));
        while (true)
        {
            if (word != 0)
            {
                var index = (w << 6) + BitOperations.LeadingZeroCount(word);
                return index < Count ? index : -1;
            }
            if (++w == _words.Length) return -1;
            word = ~_words[w];
        }
    }

    /// <summary>True when this field has a bit set that <paramref name="other"/> lacks (the peer has something we don't).</summary>
    public bool HasAnyNotIn(Bitfield other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count)
            throw new ArgumentException($"bitfields differ in size: {Count} and {other.Count} pieces", nameof(other));
        var mine = _words;
        var theirs = other._words;
        for (var w = 0; w < mine.Length; w++)
            if ((mine[w] & ~theirs[w]) != 0) return true;
        return false;
    }

    /// <summary>True when both fields have some bit set (the peer has one of the pieces we want).</summary>
    public bool Intersects(Bitfield other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count)
            throw new ArgumentException($"bitfields differ in size: {Count} and {other.Count} pieces", nameof(other));
        var mine = _words;
        var theirs = other._words;
        for (var w = 0; w < mine.Length; w++)
            if ((mine[w] & theirs[w]) != 0) return true;
        return false;
    }

    public override string ToString() => $"{SetCount}/{Count}";

    /// <summary>The storage words: index i is word i >> 6, bit 63 - (i &amp; 63). Spare bits are zero.</summary>
    internal ReadOnlySpan<ulong> Words => _words;

    private static ulong Mask(int index) => 1UL << (63 - (index & 63));

    private void MaskSpareBits()
    {
        var used = Count & 63;
        if (used != 0) _words[^1] &= ~(ulong.MaxValue >> used);
    }

    private void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), $"piece {index} is outside a bitfield of {Count} pieces");
}
