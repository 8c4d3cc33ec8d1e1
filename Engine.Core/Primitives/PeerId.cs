using System.Security.Cryptography;
using System.Text;

namespace Engine.Core.Primitives;

/// <summary>A peer's 20-byte id from the handshake. Ours is Azureus-style: <c>-AK0100-</c> + 12 random characters.</summary>
public sealed class PeerId : IEquatable<PeerId>
{
    public const int Length = 20;
    public const string ClientPrefix = "-AK0100-";

    private readonly byte[] _bytes;

    private PeerId(byte[] bytes) => _bytes = bytes;

    public ReadOnlySpan<byte> Span => _bytes;

    public static PeerId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"a peer id is {Length} bytes, got {bytes.Length}", nameof(bytes));
        return new PeerId(bytes.ToArray());
    }

    /// <summary>A fresh id for this engine instance.</summary>
    public static PeerId CreateOurs()
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var bytes = new byte[Length];
        Encoding.ASCII.GetBytes(ClientPrefix, bytes);
        for (var i = ClientPrefix.Length; i < Length; i++)
            bytes[i] = (byte)alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new PeerId(bytes);
    }

    public byte[] ToArray() => (byte[])_bytes.Clone();

    public string ToUrlEncoded() => PercentEncode(_bytes);

    /// <summary>A printable form: ASCII where printable, otherwise hex escapes.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Length);
        foreach (var b in _bytes)
            sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        return sb.ToString();
    }

    /// <summary>The client program behind the id ("libtorrent 2.0.8", "aria2 1.36.0"; <see cref="ClientNames"/>), or null.</summary>
    public string? ClientName => ClientNames.Describe(this);

    public bool Equals(PeerId? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
    public override bool Equals(object? obj) => obj is PeerId other && Equals(other);
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(_bytes);
        return h.ToHashCode();
    }

    /// <summary>RFC 3986 percent-encoding of raw bytes, unreserved characters left as they are.</summary>
    internal static string PercentEncode(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                sb.Append((char)b);
            else
                sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }

    internal static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);
}
