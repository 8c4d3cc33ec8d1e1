namespace Engine.Core.Bencode;

/// <summary>
/// A decoded bencode value. <see cref="Start"/> and <see cref="End"/> are the byte offsets
/// <c>[Start, End)</c> the value occupied in the buffer it was decoded from (both 0 for values
/// built in code).
/// </summary>
internal abstract class BValue
{
    private protected BValue(int start, int end)
    {
        Start = start;
        End = end;
    }

    public int Start { get; }

    public int End { get; }

    /// <summary>The bencoded form of this value (canonical: as it was decoded, or as built).</summary>
    public byte[] Encode() => BencodeWriter.Encode(this);
}
