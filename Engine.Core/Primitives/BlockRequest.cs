namespace Engine.Core.Primitives;

/// <summary>One block of a piece: the unit of request/piece/cancel messages (normally 16 KiB).</summary>
internal readonly record struct BlockRequest(int Piece, int Offset, int Length)
{
    /// <summary>The block index within its piece (offsets are multiples of <see cref="TorrentLayout.BlockSize"/>).</summary>
    public int BlockIndex => Offset / TorrentLayout.BlockSize;

    public override string ToString() => $"piece {Piece} @{Offset}+{Length}";
}
