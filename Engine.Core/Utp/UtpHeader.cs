using System.Buffers.Binary;

namespace Engine.Core.Utp;

/// <summary>
/// The 20-byte uTP header (BEP 29), big-endian: type and version, the first extension's type, the connection id, the
/// sender's clock in microseconds, the delay it last measured (its receive time minus our timestamp), its receive
/// window in bytes, this packet's sequence number and the last one it received in order.
/// </summary>
internal readonly record struct UtpHeader(UtpPacketType Type, byte Extension, ushort ConnectionId, uint TimestampMicros,
    uint TimestampDifferenceMicros, uint WindowSize, ushort SeqNr, ushort AckNr)
{
    public const int Size = 20;
    public const byte Version = 1;

    public void Write(Span<byte> into)
    {
        into[0] = (byte)(((byte)Type << 4) | Version);
        into[1] = Extension;
        BinaryPrimitives.WriteUInt16BigEndian(into[2..], ConnectionId);
        BinaryPrimitives.WriteUInt32BigEndian(into[4..], TimestampMicros);
        BinaryPrimitives.WriteUInt32BigEndian(into[8..], TimestampDifferenceMicros);
        BinaryPrimitives.WriteUInt32BigEndian(into[12..], WindowSize);
        BinaryPrimitives.WriteUInt16BigEndian(into[16..], SeqNr);
        BinaryPrimitives.WriteUInt16BigEndian(into[18..], AckNr);
    }

    /// <summary>Reads a header; false for anything shorter than 20 bytes, another version or an unknown type.</summary>
    public static bool TryRead(ReadOnlySpan<byte> from, out UtpHeader header)
    {
        header = default;
        if (from.Length < Size || (from[0] & 0x0f) != Version || (from[0] >> 4) > (int)UtpPacketType.Syn) return false;
        header = new UtpHeader((UtpPacketType)(from[0] >> 4), from[1], BinaryPrimitives.ReadUInt16BigEndian(from[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(from[4..]), BinaryPrimitives.ReadUInt32BigEndian(from[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(from[12..]), BinaryPrimitives.ReadUInt16BigEndian(from[16..]),
            BinaryPrimitives.ReadUInt16BigEndian(from[18..]));
        return true;
    }
}
