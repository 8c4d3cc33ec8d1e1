using System.Buffers.Binary;
using System.Text;

namespace Engine.Core.Wire;

// BEP 52's merkle hash messages: 'hash request' (21), 'hashes' (22), 'hash reject' (23). Request and reject carry the
// 48-byte range alone; 'hashes' carries it followed by the hashes. Equality compares contents.

/// <summary>
/// A range of hashes in one file's merkle tree: the file's pieces root (32 bytes), the base layer (0 = the 16 KiB
/// leaves), the index of the first hash in that layer, how many, and how many layers of proof above them.
/// The four numbers are unsigned 32-bit on the wire; a value of 2^31 or more decodes as a negative int, which no
/// answer accepts.
/// </summary>
internal sealed record HashRange(byte[] Root, int BaseLayer, int Index, int Length, int ProofLayers)
{
    public const int WireLength = 48;
    public const int RootLength = 32;

    public bool Equals(HashRange? other) =>
        other is not null && Root.AsSpan().SequenceEqual(other.Root) && BaseLayer == other.BaseLayer && Index == other.Index
        && Length == other.Length && ProofLayers == other.ProofLayers;

    public override int GetHashCode() => HashCode.Combine(BinaryPrimitives.ReadInt32BigEndian(Root), BaseLayer, Index, Length, ProofLayers);

    public static HashRange Read(ReadOnlySpan<byte> body) => new(
        body[..RootLength].ToArray(),
        BinaryPrimitives.ReadInt32BigEndian(body[32..]),
        BinaryPrimitives.ReadInt32BigEndian(body[36..]),
        BinaryPrimitives.ReadInt32BigEndian(body[40..]),
        BinaryPrimitives.ReadInt32BigEndian(body[44..]));

    public void Write(Span<byte> destination)
    {
        Root.CopyTo(destination);
        BinaryPrimitives.WriteInt32BigEndian(destination[32..], BaseLayer);
        BinaryPrimitives.WriteInt32BigEndian(destination[36..], Index);
        BinaryPrimitives.WriteInt32BigEndian(destination[40..], Length);
        BinaryPrimitives.WriteInt32BigEndian(destination[44..], ProofLayers);
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Root = ").Append(Convert.ToHexStringLower(Root.AsSpan(0, 4))).Append("…, BaseLayer = ").Append(BaseLayer)
            .Append(", Index = ").Append(Index).Append(", Length = ").Append(Length).Append(", ProofLayers = ").Append(ProofLayers);
        return true;
    }
}

/// <summary>BEP 52: the peer asks for a range of a file's merkle hashes; answered with <see cref="Hashes"/> or <see cref="HashReject"/>.</summary>
internal sealed record HashRequest(HashRange Range) : PeerMessage;

/// <summary>BEP 52: the peer will not answer this hash request.</summary>
internal sealed record HashReject(HashRange Range) : PeerMessage;

/// <summary>
/// BEP 52: the hashes of a range — the base layer's, then one uncle per proof layer not implied by them, the one
/// closest to the root last (<see cref="Data"/>: concatenated 32-byte hashes).
/// </summary>
internal sealed record Hashes(HashRange Range, byte[] Data) : PeerMessage
{
    /// <summary>Most hashes one message may carry (BEP 52 asks for at most 512 of a layer; proofs add at most 32).</summary>
    public const int MaxHashes = 8192;

    public bool Equals(Hashes? other) => other is not null && Range.Equals(other.Range) && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Range, Data.Length);

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Range = ").Append(Range).Append(", Data = ").Append(Data.Length / 32).Append(" hashes");
        return true;
    }
}
