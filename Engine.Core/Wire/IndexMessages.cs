namespace Engine.Core.Wire;

// Messages carrying a single number. Piece indices are 32-bit unsigned on the wire; a value of 2^31 or
// more decodes as a negative int, which MessageValidator reports as out of range.

internal sealed record Have(int Piece) : PeerMessage;

/// <summary>BEP 6: the peer suggests downloading this piece.</summary>
internal sealed record Suggest(int Piece) : PeerMessage;

/// <summary>BEP 6: the peer lets us request this piece even while choked.</summary>
internal sealed record AllowedFast(int Piece) : PeerMessage;

/// <summary>BEP 5: the peer's DHT listen port.</summary>
internal sealed record Port(ushort ListenPort) : PeerMessage;
