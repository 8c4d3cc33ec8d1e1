using System.Buffers.Binary;
using System.Buffers;

namespace Engine.Core.Wire;

/// <summary>
/// Encodes messages as frames (<c>u32 length | u8 id | payload</c>) into caller-provided (pooled) memory.
/// For piece messages the outbound writer may instead use <see cref="WritePieceHeader"/> and send the
/// header and the block's own buffer together, so the payload is never copied.
/// </summary>
internal static class MessageWriter
{
    public const int PieceHeaderLength = 13;

    /// <summary>Total frame length including the 4-byte length prefix.</summary>
    public static int GetLength(PeerMessage message) => message switch
    {
        PieceMessage m => PieceHeaderLength + m.Data.Length,
        KeepAlive => 4,
        Choke or Unchoke or Interested or NotInterested or HaveAll or HaveNone => 5,
        Have or Suggest or AllowedFast => 9,
        Request or Cancel or Reject => 17,
        Port => 7,
        BitfieldMessage m => 5 + m.Bits.Length,
        Extended m => 6 + m.Payload.Length,
        HashRequest or HashReject => 5 + HashRange.WireLength,
        Hashes m => 5 + HashRange.WireLength + m.Data.Length,
        null => throw new ArgumentNullException(nameof(message)),
        _ => throw new ArgumentException($"cannot encode {message.GetType().Name}", nameof(message)),
    };

    /// <summary>Writes the whole frame to the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(PeerMessage message, Span<byte> destination)
    {
        var length = GetLength(message);
        if (destination.Length < length)
            throw new ArgumentException(
                $"{message.GetType().Name} needs {length} bytes, the destination has {destination.Length}", nameof(destination));
        if (message is KeepAlive)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, 0);
            return 4;
        }
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(length - 4));
        var body = destination[5..length];
        switch (message)
        {
            case PieceMessage m:
                destination[4] = (byte)MessageId.Piece;
                BinaryPrimitives.WriteInt32BigEndian(body, m.Piece);
                BinaryPrimitives.WriteInt32BigEndian(body[4..], m.Offset);
                m.Data.Span.CopyTo(body[8..]);
                break;
            case Request m: WriteBlock(destination, MessageId.Request, m.Piece, m.Offset, m.Length); break;
            case Cancel m: WriteBlock(destination, MessageId.Cancel, m.Piece, m.Offset, m.Length); break;
            case Reject m: WriteBlock(destination, MessageId.Reject, m.Piece, m.Offset, m.Length); break;
            case Have m: WriteIndex(destination, MessageId.Have, m.Piece); break;
            case Suggest m: WriteIndex(destination, MessageId.Suggest, m.Piece); break;
            case AllowedFast m: WriteIndex(destination, MessageId.AllowedFast, m.Piece); break;
            case Port m:
                destination[4] = (byte)MessageId.Port;
                BinaryPrimitives.WriteUInt16BigEndian(body, m.ListenPort);
                break;
            case BitfieldMessage m:
                destination[4] = (byte)MessageId.Bitfield;
                m.Bits.CopyTo(body);
                break;
            case Extended m:
                destination[4] = (byte)MessageId.Extended;
                body[0] = m.ExtendedId;
                m.Payload.CopyTo(body[1..]);
                break;
            case HashRequest m:
                destination[4] = (byte)MessageId.HashRequest;
                m.Range.Write(body);
                break;
            case HashReject m:
                destination[4] = (byte)MessageId.HashReject;
                m.Range.Write(body);
                break;
            case Hashes m:
                destination[4] = (byte)MessageId.Hashes;
                m.Range.Write(body);
                m.Data.CopyTo(body[HashRange.WireLength..]);
                break;
            default:
                destination[4] = (byte)IdOfSingleton(message);
                break;
        }
        return length;
    }

    /// <summary>Writes the frame into <paramref name="writer"/> (e.g. a PipeWriter or ArrayBufferWriter).</summary>
    public static int Write(PeerMessage message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var length = GetLength(message);
        var written = Write(message, writer.GetSpan(length));
        writer.Advance(written);
        return written;
    }

    /// <summary>Writes the 13-byte header of a piece frame carrying <paramref name="length"/> payload bytes.</summary>
    public static void WritePieceHeader(int piece, int offset, int length, Span<byte> destination13)
    {
        if (destination13.Length < PieceHeaderLength)
            throw new ArgumentException($"a piece header needs {PieceHeaderLength} bytes", nameof(destination13));
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        BinaryPrimitives.WriteUInt32BigEndian(destination13, (uint)(9 + length));
        destination13[4] = (byte)MessageId.Piece;
        BinaryPrimitives.WriteInt32BigEndian(destination13[5..], piece);
        BinaryPrimitives.WriteInt32BigEndian(destination13[9..], offset);
    }

    /// <summary>A fresh array holding the frame. Convenience for tests; the data path writes into pooled memory.</summary>
    public static byte[] Encode(PeerMessage message)
    {
        var bytes = new byte[GetLength(message)];
        Write(message, bytes);
        return bytes;
    }

    private static MessageId IdOfSingleton(PeerMessage message) => message switch
    {
        Choke => MessageId.Choke,
        Unchoke => MessageId.Unchoke,
        Interested => MessageId.Interested,
        NotInterested => MessageId.NotInterested,
        HaveAll => MessageId.HaveAll,
        HaveNone => MessageId.HaveNone,
        _ => throw new ArgumentException($"cannot encode {message.GetType().Name}", nameof(message)),
    };

    private static void WriteIndex(Span<byte> frame, MessageId id, int piece)
    {
        frame[4] = (byte)id;
        BinaryPrimitives.WriteInt32BigEndian(frame[5..], piece);
    }

    private static void WriteBlock(Span<byte> frame, MessageId id, int piece, int offset, int length)
    {
        frame[4] = (byte)id;
        BinaryPrimitives.WriteInt32BigEndian(frame[5..], piece);
        BinaryPrimitives.WriteInt32BigEndian(frame[9..], offset);
        BinaryPrimitives.WriteInt32BigEndian(frame[13..], length);
    }
}
