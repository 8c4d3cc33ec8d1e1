using Engine.Core.Primitives;

namespace Engine.Core.Wire;

/// <summary>
/// Checks a decoded message against the torrent: piece indices in range, bitfield length and spare bits,
/// block lengths (more than 0, at most 16 KiB) and blocks not reaching past their piece's end.
/// Sequencing rules (bitfield only first, fast messages only when negotiated) are the peer actor's.
/// </summary>
internal static class MessageValidator
{
    /// <summary>Null when the message fits the torrent, else the first problem found.</summary>
    public static ProtocolViolation? Validate(PeerMessage message, TorrentLayout layout)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(layout);
        return message switch
        {
            PieceMessage m => CheckBlock("piece", m.Piece, m.Offset, m.Data.Length, layout),
            Request m => CheckBlock("request", m.Piece, m.Offset, m.Length, layout),
            Cancel m => CheckBlock("cancel", m.Piece, m.Offset, m.Length, layout),
            Reject m => CheckBlock("reject", m.Piece, m.Offset, m.Length, layout),
            Have m => CheckIndex("have", m.Piece, layout),
            Suggest m => CheckIndex("suggest", m.Piece, layout),
            AllowedFast m => CheckIndex("allowed fast", m.Piece, layout),
            BitfieldMessage m => CheckBitfield(m.Bits, layout),
            _ => null,
        };
    }

    /// <summary>Checks a bitfield's length and that no bit past the last piece is set.</summary>
    public static ProtocolViolation? CheckBitfield(ReadOnlySpan<byte> bits, TorrentLayout layout)
    {
        if (bits.Length != layout.BitfieldLength)
            return new(ViolationKind.BitfieldWrongLength,
                $"bitfield is {bits.Length} bytes, expected {layout.BitfieldLength} for {layout.PieceCount} pieces");
        var used = layout.PieceCount % 8;
        if (used != 0)
        {
            var spare = bits[^1] & (0xFF >> used);
            if (spare != 0)
                return new(ViolationKind.BitfieldSpareBits,
                    $"bitfield has bits set past the last piece {layout.PieceCount - 1} (final byte 0x{bits[^1]:x2})");
        }
        return null;
    }

    private static ProtocolViolation? CheckIndex(string name, int piece, TorrentLayout layout) =>
        (uint)piece < (uint)layout.PieceCount
            ? null
            : new(ViolationKind.PieceIndexOutOfRange,
                $"{name} names piece {(uint)piece}, the torrent has {layout.PieceCount} pieces (0 to {layout.PieceCount - 1})");

    private static ProtocolViolation? CheckBlock(string name, int piece, int offset, int length, TorrentLayout layout)
    {
        if (CheckIndex(name, piece, layout) is { } bad) return bad;
        if (length == 0)
            return new(ViolationKind.BlockLengthZero, $"{name} of piece {piece} @{(uint)offset} has length 0");
        if ((uint)length > TorrentLayout.BlockSize)
            return new(ViolationKind.BlockTooLong,
                $"{name} of piece {piece} @{(uint)offset} has length {(uint)length}, the most is {TorrentLayout.BlockSize}");
        var size = layout.PieceSize(piece);
        if ((uint)offset + (ulong)(uint)length > (ulong)size)
            return new(ViolationKind.BlockPastPieceEnd,
                $"{name} of piece {piece} @{(uint)offset}+{length} ends past the piece's {size} bytes");
        return null;
    }
}
