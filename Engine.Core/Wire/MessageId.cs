namespace Engine.Core.Wire;

/// <summary>The id byte after a frame's length prefix: BEP 3 (0–9), BEP 6 fast extension (13–17), BEP 10 extended (20), BEP 52 merkle hashes (21–23).</summary>
internal enum MessageId : byte
{
    Choke = 0,
    Unchoke = 1,
    Interested = 2,
    NotInterested = 3,
    Have = 4,
    Bitfield = 5,
    Request = 6,
    Piece = 7,
    Cancel = 8,
    Port = 9,
    Suggest = 13,
    HaveAll = 14,
    HaveNone = 15,
    Reject = 16,
    AllowedFast = 17,
    Extended = 20,
    HashRequest = 21,
    Hashes = 22,
    HashReject = 23,
}
