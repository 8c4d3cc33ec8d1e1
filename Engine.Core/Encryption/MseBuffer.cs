namespace Engine.Core.Encryption;

/// <summary>The bytes an MSE handshake has received and not yet consumed (a few hundred at most).</summary>
internal sealed class MseBuffer
{
    private byte[] _bytes = new byte[1024];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Append(ReadOnlySpan<byte> data)
    {
        if (Length + data.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + data.Length));
        data.CopyTo(_bytes.AsSpan(Length));
        Length += data.Length;
    }

    /// <summary>Removes and returns the first <paramref name="count"/> bytes, passed through <paramref name="cipher"/> when given.</summary>
    public byte[] Take(int count, Rc4? cipher = null)
    {
        var taken = _bytes.AsSpan(0, count).ToArray();
        cipher?.Apply(taken);
        Skip(count);
        return taken;
    }

    public void Skip(int count)
    {
        _bytes.AsSpan(count, Length - count).CopyTo(_bytes);
        Length -= count;
    }
}
