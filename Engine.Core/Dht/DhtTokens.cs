using System.Net;
using System.Security.Cryptography;

namespace Engine.Core.Dht;

/// <summary>
/// announce_peer tokens (BEP 5): the first 8 bytes of SHA-1(address, secret). The secret changes every
/// <see cref="Rotation"/> and the previous one is still accepted, so a token is good for 5 to 10 minutes, only from
/// the address it was given to, and we keep no per-querier state.
/// </summary>
internal sealed class DhtTokens
{
    public static readonly TimeSpan Rotation = TimeSpan.FromMinutes(5);
    private const int TokenLength = 8;

    private readonly Random _random;
    private byte[] _current, _previous;
    private DateTimeOffset _rotatedAt;

    public DhtTokens(Random random, DateTimeOffset now)
    {
        _random = random;
        _current = Secret();
        _previous = Secret();
        _rotatedAt = now;
    }

    public byte[] Issue(IPAddress address, DateTimeOffset now)
    {
        Rotate(now);
        return Token(address, _current);
    }

    public bool IsValid(IPAddress address, ReadOnlySpan<byte> token, DateTimeOffset now)
    {
        Rotate(now);
        return token.SequenceEqual(Token(address, _current)) || token.SequenceEqual(Token(address, _previous));
    }

    /// <summary>On a fixed schedule (every <see cref="Rotation"/> since the start), however rarely it is asked.</summary>
    private void Rotate(DateTimeOffset now)
    {
        var turns = (long)((now - _rotatedAt) / Rotation);
        if (turns <= 0) return;
        _previous = turns == 1 ? _current : Secret();
        _current = Secret();
        _rotatedAt += Rotation * turns;
    }

    private byte[] Secret()
    {
        var secret = new byte[16];
        _random.NextBytes(secret);
        return secret;
    }

    private static byte[] Token(IPAddress address, byte[] secret)
    {
        Span<byte> input = stackalloc byte[16 + 16];
        address.TryWriteBytes(input, out var written);
        secret.CopyTo(input[written..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input[..(written + secret.Length)], hash);
        return hash[..TokenLength].ToArray();
    }
}
