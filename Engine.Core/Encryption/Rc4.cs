namespace Engine.Core.Encryption;

/// <summary>
/// The RC4 stream cipher as MSE/PE uses it (BEP 8-era "message stream encryption"): keyed with a 20-byte SHA-1, the
/// first 1024 bytes of keystream discarded. Encrypting and decrypting are the same operation, in place.
/// </summary>
internal sealed class Rc4
{
    private readonly byte[] _s = new byte[256];
    private byte _i, _j;

    public Rc4(ReadOnlySpan<byte> key, int discard = 1024)
    {
        if (key.Length == 0) throw new ArgumentException("an RC4 key has at least one byte", nameof(key));
        for (var k = 0; k < 256; k++) _s[k] = (byte)k;
        byte j = 0;
        for (var k = 0; k < 256; k++)
        {
            j = (byte)(j + _s[k] + key[k % key.Length]);
            (_s[k], _s[j]) = (_s[j], _s[k]);
        }
        Span<byte> skip = stackalloc byte[256];
        for (; discard > 0; discard -= skip.Length) Apply(skip[..Math.Min(discard, skip.Length)]);
    }

    /// <summary>XORs the next keystream bytes into <paramref name="data"/>.</summary>
    public void Apply(Span<byte> data)
    {
        var s = _s;
        byte i = _i, j = _j;
        for (var n = 0; n < data.Length; n++)
        {
            i++;
            var si = s[i];
            j += si;
            var sj = s[j];
            s[i] = sj;
            s[j] = si;
            data[n] ^= s[(byte)(si + sj)];
        }
        (_i, _j) = (i, j);
    }
}
