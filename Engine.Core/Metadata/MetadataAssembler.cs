using System.Security.Cryptography;
using Engine.Core.Primitives;

namespace Engine.Core.Metadata;

/// <summary>
/// Collects the pieces of one peer's metadata (pure): which piece to request next, where each received piece
/// goes, and a final check of the whole against the info-hashes (<see cref="MetadataHashes"/>: SHA-1, SHA-256 or both). Pieces may arrive in any order; a duplicate is ignored;
/// a rejected piece becomes requestable again.
/// </summary>
internal sealed class MetadataAssembler
{
    private readonly MetadataHashes _hashes;
    private readonly byte[] _data;
    private readonly bool[] _received;
    private readonly bool[] _requested;
    private int _receivedCount;

    public MetadataAssembler(InfoHash infoHash, int totalSize) : this(MetadataHashes.V1(infoHash), totalSize) { }

    public MetadataAssembler(MetadataHashes hashes, int totalSize)
    {
        if (totalSize is < 1 or > MetadataCodec.MaxMetadataSize)
            throw new MetadataException($"metadata size {totalSize} is not in 1..{MetadataCodec.MaxMetadataSize}");
        _hashes = hashes;
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

    /// <summary>
    /// The whole info dictionary once every piece is in and it hashes to the info-hashes (SHA-1 unless v2-only, SHA-256
    /// when the v2 hash is known); throws <see cref="MetadataException"/> otherwise.
    /// </summary>
    public byte[] Complete()
    {
        if (!IsComplete) throw new MetadataException($"metadata incomplete: {_receivedCount} of {PieceCount} pieces");
        if (!_hashes.V2Only)
        {
            Span<byte> hash = stackalloc byte[20];
            SHA1.HashData(_data, hash);
            if (InfoHash.FromBytes(hash) != _hashes.InfoHash)
                throw new MetadataException($"metadata of {TotalSize} bytes does not match the info-hash {_hashes.InfoHash} (SHA-1 {Convert.ToHexStringLower(hash)})");
        }
        if (!_hashes.V2.IsEmpty)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(_data, hash);
            if (!hash.SequenceEqual(_hashes.V2.Span))
                throw new MetadataException($"metadata of {TotalSize} bytes does not match the v2 info-hash {Convert.ToHexStringLower(_hashes.V2.Span)} (SHA-256 {Convert.ToHexStringLower(hash)})");
        }
        return _data;
    }
}
