using System.Security.Cryptography;
using Engine.Core.Primitives;

namespace Engine.Core.Metadata;

/// <summary>
/// Collects the pieces of one peer's metadata (pure): which piece to request next, where each received piece
/// goes, and a final SHA-1 check against the info-hash. Pieces may arrive in any order; a duplicate is ignored;
/// a rejected piece becomes requestable again.
/// </summary>
internal sealed class MetadataAssembler
{
    private readonly InfoHash _infoHash;
    private readonly byte[] _data;
    private readonly bool[] _received;
    private readonly bool[] _requested;
    private int _receivedCount;

    public MetadataAssembler(InfoHash infoHash, int totalSize)
    {
        if (totalSize is < 1 or > MetadataCodec.MaxMetadataSize)
            throw new MetadataException($"metadata size {totalSize} is not in 1..{MetadataCodec.MaxMetadataSize}");
        _infoHash = infoHash;
        TotalSize = totalSize;
        PieceCount = MetadataCodec.PieceCount(totalSize);
        _data = new byte[totalSize];
        _received = new bool[PieceCount];
        _requested = new bool[PieceCount];
    }

    public int TotalSize { get; }
    public int PieceCount { get; }
    public int ReceivedPieces => _receivedCount;
    public bool IsComplete => _receivedCount == PieceCount;

    /// <summary>The lowest piece neither received nor requested (and marks it requested), or null.</summary>
    public int? NextRequest()
    {
        for (var i = 0; i < PieceCount; i++)
        {
            if (_received[i] || _requested[i]) continue;
            _requested[i] = true;
            return i;
        }
        return null;
    }

    /// <summary>The peer refused <paramref name="piece"/>: it may be requested again (from this or another peer).</summary>
    public void Rejected(int piece)
    {
        if ((uint)piece < (uint)PieceCount) _requested[piece] = false;
    }

    /// <summary>Stores a piece; throws <see cref="MetadataException"/> for a piece out of range, of the wrong length or for another size.</summary>
    public void Add(int piece, int totalSize, ReadOnlySpan<byte> data)
    {
        if (totalSize != TotalSize) throw new MetadataException($"metadata piece {piece} claims a total size of {totalSize}, the handshake said {TotalSize}");
        if ((uint)piece >= (uint)PieceCount) throw new MetadataException($"metadata piece {piece} is not in 0..{PieceCount - 1}");
        var expected = MetadataCodec.PieceLength(piece, TotalSize);
        if (data.Length != expected) throw new MetadataException($"metadata piece {piece} has {data.Length} bytes, expected {expected}");
        if (_received[piece]) return;
        data.CopyTo(_data.AsSpan(piece * MetadataCodec.PieceSize));
        _received[piece] = true;
        _receivedCount++;
    }

    /// <summary>The whole info dictionary once every piece is in and its SHA-1 is the info-hash; throws <see cref="MetadataException"/> otherwise.</summary>
    public byte[] Complete()
    {
        if (!IsComplete) throw new MetadataException($"metadata incomplete: {_receivedCount} of {PieceCount} pieces");
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(_data, hash);
        if (InfoHash.FromBytes(hash) != _infoHash)
            throw new MetadataException($"metadata of {TotalSize} bytes does not match the info-hash {_infoHash} (SHA-1 {Convert.ToHexStringLower(hash)})");
        return _data;
    }
}
