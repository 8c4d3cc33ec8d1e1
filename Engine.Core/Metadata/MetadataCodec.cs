using System.Text;
using Engine.Core.Bencode;

namespace Engine.Core.Metadata;

/// <summary>
/// The BEP 9 <c>ut_metadata</c> payloads (inside a BEP 10 extended message): a bencoded dictionary
/// <c>{msg_type, piece[, total_size]}</c>, followed for <c>data</c> by the piece's raw bytes. Pure.
/// The metadata (the info dictionary) travels in 16 KiB pieces; only the last may be shorter.
/// </summary>
internal static class MetadataCodec
{
    /// <summary>Bytes per metadata piece.</summary>
    public const int PieceSize = 16 * 1024;

    /// <summary>Largest metadata accepted (an info dictionary of ~800 000 pieces).</summary>
    public const int MaxMetadataSize = 16 * 1024 * 1024;

    /// <summary>The extension's name in the BEP 10 handshake's <c>m</c> dictionary.</summary>
    public const string ExtensionName = "ut_metadata";

    public static int PieceCount(int totalSize) => (totalSize + PieceSize - 1) / PieceSize;

    /// <summary>Bytes of piece <paramref name="piece"/> of a metadata of <paramref name="totalSize"/> bytes.</summary>
    public static int PieceLength(int piece, int totalSize)
    {
        var count = PieceCount(totalSize);
        if ((uint)piece >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} is not in 0..{count - 1}");
        return piece == count - 1 ? totalSize - piece * PieceSize : PieceSize;
    }

    public static byte[] EncodeRequest(int piece) => Header(MetadataMessageType.Request, piece, null);

    public static byte[] EncodeReject(int piece) => Header(MetadataMessageType.Reject, piece, null);

    public static byte[] EncodeData(int piece, int totalSize, ReadOnlySpan<byte> data)
    {
        var header = Header(MetadataMessageType.Data, piece, totalSize);
        var bytes = new byte[header.Length + data.Length];
        header.CopyTo(bytes, 0);
        data.CopyTo(bytes.AsSpan(header.Length));
        return bytes;
    }

    // Keys in sorted order, as bencode requires: msg_type < piece < total_size.
    private static byte[] Header(MetadataMessageType type, int piece, int? totalSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(piece);
        var text = totalSize is { } size
            ? $"d8:msg_typei{(int)type}e5:piecei{piece}e10:total_sizei{size}ee"
            : $"d8:msg_typei{(int)type}e5:piecei{piece}ee";
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>Decodes a payload; throws <see cref="MetadataException"/> naming what is wrong.</summary>
    public static MetadataMessage Decode(ReadOnlyMemory<byte> payload)
    {
        BValue value;
        int consumed;
        try { value = BencodeReader.DecodePrefix(payload, out consumed, BencodeOptions.Metainfo); }
        catch (BencodeException e) { throw new MetadataException("ut_metadata message is not bencoded: " + e.Message); }
        if (value is not BDictionary d) throw new MetadataException("ut_metadata message is not a dictionary");
        if (!d.TryGet<BInteger>("msg_type", out var typeValue)) throw new MetadataException("ut_metadata message has no integer 'msg_type'");
        if (typeValue.Value is < 0 or > 2) throw new MetadataException($"ut_metadata message has unknown msg_type {typeValue.Value}");
        if (!d.TryGet<BInteger>("piece", out var pieceValue)) throw new MetadataException("ut_metadata message has no integer 'piece'");
        if (pieceValue.Value < 0 || pieceValue.Value >= PieceCount(MaxMetadataSize))
            throw new MetadataException($"ut_metadata piece {pieceValue.Value} is out of range");
        var type = (MetadataMessageType)typeValue.Value;
        var piece = (int)pieceValue.Value;
        var rest = payload[consumed..];
        if (type != MetadataMessageType.Data)
        {
            if (!rest.IsEmpty) throw new MetadataException($"ut_metadata {type.ToString().ToLowerInvariant()} message has {rest.Length} trailing bytes");
            return new MetadataMessage(type, piece, 0, ReadOnlyMemory<byte>.Empty);
        }
        if (!d.TryGet<BInteger>("total_size", out var sizeValue)) throw new MetadataException("ut_metadata data message has no integer 'total_size'");
        if (sizeValue.Value is < 1 or > MaxMetadataSize)
            throw new MetadataException($"ut_metadata total_size {sizeValue.Value} is not in 1..{MaxMetadataSize}");
        var total = (int)sizeValue.Value;
        if (piece >= PieceCount(total)) throw new MetadataException($"ut_metadata piece {piece} is beyond the {PieceCount(total)} pieces of {total} bytes");
        var expected = PieceLength(piece, total);
        if (rest.Length != expected) throw new MetadataException($"ut_metadata piece {piece} has {rest.Length} bytes, expected {expected}");
        return new MetadataMessage(type, piece, total, rest);
    }
}
