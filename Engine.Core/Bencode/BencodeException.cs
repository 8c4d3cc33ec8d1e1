namespace Engine.Core.Bencode;

/// <summary>Malformed bencode. The message names the byte offset and what was expected there.</summary>
internal sealed class BencodeException : FormatException
{
    public BencodeException(int offset, string problem)
        : base($"invalid bencode at byte {offset}: {problem}") => Offset = offset;

    public int Offset { get; }
}
