using System.Buffers.Binary;
using System.Numerics;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// A 160-bit DHT id (a node's, or an info-hash as a lookup target). Kademlia's distance is the XOR of two ids read as
/// an unsigned number, so ids are kept as three big-endian words that compare and XOR in a few instructions.
/// </summary>
internal readonly record struct NodeId(ulong High, ulong Middle, uint Low) : IComparable<NodeId>
{
    public const int Length = 20;
    public const int Bits = 160;

    public static NodeId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length) throw new ArgumentException($"a node id is {Length} bytes, got {bytes.Length}", nameof(bytes));
        return new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]));
    }

    public static NodeId From(InfoHash hash)
    {
        Span<byte> bytes = stackalloc byte[Length];
        hash.CopyTo(bytes);
        return FromBytes(bytes);
    }

    public InfoHash ToInfoHash()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return InfoHash.FromBytes(bytes);
    }

    public static NodeId Random(Random random)
    {
        Span<byte> bytes = stackalloc byte[Length];
        random.NextBytes(bytes);
        return FromBytes(bytes);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Middle);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], Low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    public NodeId Xor(NodeId other) => new(High ^ other.High, Middle ^ other.Middle, Low ^ other.Low);

    /// <summary>How many leading bits the two ids share (160 when equal).</summary>
    public int CommonPrefix(NodeId other)
    {
        var x = Xor(other);
        if (x.High != 0) return BitOperations.LeadingZeroCount(x.High);
        if (x.Middle != 0) return 64 + BitOperations.LeadingZeroCount(x.Middle);
        return x.Low != 0 ? 128 + BitOperations.LeadingZeroCount(x.Low) : Bits;
    }

    /// <summary>Bit <paramref name="index"/> (0: the most significant).</summary>
    public bool Bit(int index) => index switch
    {
        < 64 => (High >> (63 - index) & 1) != 0,
        < 128 => (Middle >> (127 - index) & 1) != 0,
        _ => (Low >> (159 - index) & 1) != 0,
    };

    /// <summary>An id that shares the first <paramref name="prefixBits"/> bits with this one and is random after them.</summary>
    public NodeId RandomWithPrefix(int prefixBits, Random random)
    {
        var r = Random(random);
        return new(Keep(High, r.High, prefixBits), Keep(Middle, r.Middle, prefixBits - 64), (uint)Keep(Low, r.Low, prefixBits - 128, 32));
    }

    private static ulong Keep(ulong mine, ulong random, int bits, int width = 64)
    {
        if (bits <= 0) return random;
        if (bits >= width) return mine;
        var mask = (width == 64 ? ulong.MaxValue : (1UL << width) - 1) >> bits;
        return (mine & ~mask) | (random & mask);
    }

    /// <summary>Which of <paramref name="a"/> and <paramref name="b"/> is closer to this id: negative when <paramref name="a"/> is.</summary>
    public int CompareDistance(NodeId a, NodeId b) => Xor(a).CompareTo(Xor(b));

    public int CompareTo(NodeId other)
    {
        var c = High.CompareTo(other.High);
        if (c != 0) return c;
        c = Middle.CompareTo(other.Middle);
        return c != 0 ? c : Low.CompareTo(other.Low);
    }

    public override string ToString() => Convert.ToHexStringLower(ToArray());
}
