namespace Engine.Api;

/// <summary>
/// Which pieces are verified: <see cref="Bitfield"/> is in wire order (piece 0 is the high bit of byte 0),
/// spare bits clear. Empty (<see cref="PieceCount"/> 0) while a magnet's metadata is unknown.
/// </summary>
public sealed record PieceMap(int PieceCount, int VerifiedCount, ReadOnlyMemory<byte> Bitfield)
{
    public bool IsVerified(int piece)
    {
        if ((uint)piece >= (uint)PieceCount)
            throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} is not in 0..{PieceCount - 1}");
        return (Bitfield.Span[piece >> 3] & (0x80 >> (piece & 7))) != 0;
    }

    public static PieceMap Empty { get; } = new(0, 0, ReadOnlyMemory<byte>.Empty);

    /// <summary>Equal when the same pieces are verified (the bitfields' contents are compared).</summary>
    public bool Equals(PieceMap? other)
        => other is not null && PieceCount == other.PieceCount && VerifiedCount == other.VerifiedCount && Bitfield.Span.SequenceEqual(other.Bitfield.Span);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(PieceCount);
        hash.AddBytes(Bitfield.Span);
        return hash.ToHashCode();
    }
}
