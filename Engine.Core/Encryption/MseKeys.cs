using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Engine.Core.Primitives;

namespace Engine.Core.Encryption;

/// <summary>
/// The arithmetic and hashes of MSE/PE: Diffie–Hellman over the specification's 768-bit prime with generator 2
/// (public keys and the shared secret S as 96 big-endian bytes), HASH = SHA-1 of the concatenation, and the two
/// directions' RC4 keys (keyA for what the initiator sends, keyB for what the responder sends).
/// </summary>
internal static class MseKeys
{
    public const int KeyLength = 96;

    private static readonly BigInteger Prime = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563",
        System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Our public key Y = 2^X mod P for the private key X (random bytes, 20 of them in practice).</summary>
    public static byte[] PublicKey(ReadOnlySpan<byte> privateKey) => ToBytes(BigInteger.ModPow(2, Unsigned(privateKey), Prime));

    /// <summary>The shared secret S = Y^X mod P; throws <see cref="MseException"/> for a public key outside 2..P-2.</summary>
    public static byte[] SharedSecret(ReadOnlySpan<byte> theirPublicKey, ReadOnlySpan<byte> privateKey)
    {
        var y = Unsigned(theirPublicKey);
        if (y <= BigInteger.One || y >= Prime - BigInteger.One) throw new MseException("the peer's Diffie-Hellman key is out of range");
        return ToBytes(BigInteger.ModPow(y, Unsigned(privateKey), Prime));
    }

    public static byte[] Hash(string label, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha.AppendData(Encoding.ASCII.GetBytes(label));
        sha.AppendData(a);
        sha.AppendData(b);
        return sha.GetHashAndReset();
    }

    /// <summary>HASH('req2', SKEY): how a responder recognises which torrent an initiator wants.</summary>
    public static byte[] Req2(InfoHash skey) => Hash("req2", skey.ToArray());

    /// <summary>The RC4 of what the initiator sends (keyA) or the responder sends (keyB), 1024 bytes discarded.</summary>
    public static Rc4 Cipher(bool initiatorSends, ReadOnlySpan<byte> secret, InfoHash skey) =>
        new(Hash(initiatorSends ? "keyA" : "keyB", secret, skey.ToArray()));

    private static BigInteger Unsigned(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    private static byte[] ToBytes(BigInteger value)
    {
        var bytes = new byte[KeyLength];
        value.TryWriteBytes(bytes.AsSpan(KeyLength - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }
}
