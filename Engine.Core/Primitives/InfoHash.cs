using System.Buffers.Binary;

namespace Engine.Core.Primitives;

/// <summary>The 20-byte SHA-1 of a torrent's bencoded info dictionary (v1 info-hash). An immutable value.</summary>
public readonly struct InfoHash : IEquatable<InfoHash>
{
    public const int Length = 20;

    private readonly ulong _a, _b;
    private readonly uint _c;

    private InfoHash(ulong a, ulong b, uint c) { _a = a; _b = b; _c = c; }

    public static InfoHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"an info-hash is {Length} bytes, got {bytes.Length}", nameof(bytes));
        return new InfoHash(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]));
    }

    /// <summary>Parses 40 hexadecimal digits (either case).</summary>
    public static InfoHash FromHex(string hex)
    {
        if (hex is null || hex.Length != Length * 2)
            throw new FormatException($"an info-hash in hex is {Length * 2} characters");
        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
            throw new FormatException($"'{hex}' is not a hexadecimal info-hash");
        return FromBytes(bytes);
    }

    public static bool TryFromHex(string? hex, out InfoHash hash)
    {
        hash = default;
        if (hex is null || hex.Length != Length * 2) return false;
        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
            return false;
        hash = FromBytes(bytes);
        return true;
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Lower-case hexadecimal, 40 characters.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Percent-encodes every byte (the form trackers expect in <c>info_hash=</c>).</summary>
    public string ToUrlEncoded() => PeerId.PercentEncode(ToArray());

    public bool Equals(InfoHash other) => _a == other._a && _b == other._b && _c == other._c;
    public override bool Equals(object? obj) => obj is InfoHash other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);
    public static bool operator ==(InfoHash left, InfoHash right) => left.Equals(right);
    public static bool operator !=(InfoHash left, InfoHash right) => !left.Equals(right);
    public override string ToString() => ToHex();
}
