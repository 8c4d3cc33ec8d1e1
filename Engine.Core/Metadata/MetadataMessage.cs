namespace Engine.Core.Metadata;

/// <summary>BEP 9 <c>msg_type</c>.</summary>
internal enum MetadataMessageType
{
    Request = 0,
    Data = 1,
    Reject = 2,
}

/// <summary>
/// One decoded <c>ut_metadata</c> message. For <see cref="MetadataMessageType.Data"/>, <see cref="TotalSize"/> is the
/// whole info dictionary's size and <see cref="Data"/> the piece's bytes (a slice of the payload, not a copy).
/// </summary>
internal readonly record struct MetadataMessage(MetadataMessageType Type, int Piece, int TotalSize, ReadOnlyMemory<byte> Data);
