namespace Engine.Core.Primitives;

/// <summary>
/// Piece and block geometry of a torrent, computed once: piece count, the size of the last piece,
/// and 16 KiB blocks within each piece. All methods check nothing beyond debug asserts: validate
/// indices at the codec boundary, then trust them.
/// </summary>
internal sealed class TorrentLayout
{
    public const int BlockSize = 16 * 1024;

    public TorrentLayout(long totalLength, int pieceLength)
    {
        if (pieceLength <= 0) throw new ArgumentOutOfRangeException(nameof(pieceLength), "piece length must be positive");
        if (totalLength < 0) throw new ArgumentOutOfRangeException(nameof(totalLength), "total length must not be negative");
        TotalLength = totalLength;
        PieceLength = pieceLength;
        var count = (totalLength + pieceLength - 1) / pieceLength;
        if (count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(totalLength), "too many pieces");
        PieceCount = (int)count;
        LastPieceLength = PieceCount == 0 ? 0 : (int)(totalLength - (long)(PieceCount - 1) * pieceLength);
        BlocksPerPiece = (pieceLength + BlockSize - 1) / BlockSize;
    }

    public long TotalLength { get; }
    public int PieceLength { get; }
    public int PieceCount { get; }
    public int LastPieceLength { get; }

    /// <summary>Blocks in a full-size piece.</summary>
    public int BlocksPerPiece { get; }

    public int PieceSize(int piece) => piece == PieceCount - 1 ? LastPieceLength : PieceLength;

    public long PieceOffset(int piece) => (long)piece * PieceLength;

    public int BlockCount(int piece) => (PieceSize(piece) + BlockSize - 1) / BlockSize;

    public int BlockLength(int piece, int block)
    {
        var rest = PieceSize(piece) - block * BlockSize;
        return rest < BlockSize ? rest : BlockSize;
    }

    public BlockRequest Block(int piece, int block) => new(piece, block * BlockSize, BlockLength(piece, block));

    /// <summary>Total blocks in the torrent.</summary>
    public long TotalBlocks => PieceCount == 0 ? 0 : (long)(PieceCount - 1) * BlocksPerPiece + BlockCount(PieceCount - 1);

    /// <summary>Bytes of a bitfield message for this torrent.</summary>
    public int BitfieldLength => (PieceCount + 7) / 8;
}
