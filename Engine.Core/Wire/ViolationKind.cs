namespace Engine.Core.Wire;

/// <summary>Why a peer broke the protocol; any of these is grounds to drop the connection.</summary>
internal enum ViolationKind
{
    /// <summary>Length prefix above the decoder's maximum.</summary>
    FrameTooLong,
    /// <summary>A message's payload length does not match its id (e.g. a <c>have</c> that is not 4 bytes).</summary>
    BadPayloadLength,
    BitfieldWrongLength,
    /// <summary>Bits set past the last piece in the bitfield's final byte.</summary>
    BitfieldSpareBits,
    BlockLengthZero,
    /// <summary>A block longer than 16 KiB (or a negative length).</summary>
    BlockTooLong,
    /// <summary>A block reaching past the end of its piece (or a negative offset).</summary>
    BlockPastPieceEnd,
    PieceIndexOutOfRange,
    BadHandshake,
    /// <summary>A well-formed message that is not allowed now (for the peer actor: e.g. a second bitfield,
    /// a fast-extension message when the fast bit was not negotiated).</summary>
    UnexpectedMessage,
}
