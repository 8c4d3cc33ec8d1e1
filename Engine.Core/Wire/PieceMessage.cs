using System.Text;
using Engine.Core.Buffers;
using Engine.Core.Primitives;

namespace Engine.Core.Wire;

/// <summary>
/// A block of data. <see cref="Data"/> is a pooled buffer owned by whoever holds the message: the receiver
/// releases it (or hands it on). Equality compares the bytes of the block, so it is meant for tests.
/// </summary>
internal sealed record PieceMessage(int Piece, int Offset, BlockBuffer Data) : PeerMessage
{
    public int Length => Data.Length;

    public BlockRequest Block => new(Piece, Offset, Data.Length);

    public bool Equals(PieceMessage? other) =>
        other is not null && Piece == other.Piece && Offset == other.Offset
        && (ReferenceEquals(Data, other.Data) || Data.Span.SequenceEqual(other.Data.Span));

    public override int GetHashCode() => HashCode.Combine(Piece, Offset, Data.Length);

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Piece = ").Append(Piece).Append(", Offset = ").Append(Offset)
            .Append(", Length = ").Append(Data.Length);
        return true;
    }
}
