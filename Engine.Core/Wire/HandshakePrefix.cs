namespace Engine.Core.Wire;

/// <summary>
/// Checks the first bytes of an incoming connection as they arrive, before the whole 68-byte handshake is there: a
/// plaintext BitTorrent connection starts with <c>19 "BitTorrent protocol"</c>, so anything else (an HTTP request, a
/// port scanner's probe, a slowloris' garbage) is refused at its first wrong byte instead of holding a slot until the
/// handshake deadline. (An MSE/PE connection starts with a random key instead; the check moves behind it when MSE lands.)
/// </summary>
internal static class HandshakePrefix
{
    private static ReadOnlySpan<byte> Expected => "\u0013BitTorrent protocol"u8;

    /// <summary>Bytes the check covers (the length byte and the protocol name).</summary>
    public const int Length = 20;

    /// <summary>Whether <paramref name="received"/> (the connection's first bytes, any count) can still be the start of a handshake.</summary>
    public static bool IsPlausible(ReadOnlySpan<byte> received)
    {
        var n = Math.Min(received.Length, Length);
        return received[..n].SequenceEqual(Expected[..n]);
    }
}
