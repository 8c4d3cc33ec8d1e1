namespace Engine.Core.Merkle;

/// <summary>
/// A file of a BEP 52 torrent as the merkle checks see it: its length, its <c>pieces root</c> and its piece layer
/// (concatenated 32-byte hashes, one per piece; empty when the file is no longer than one piece or the layer is unknown).
/// </summary>
internal sealed record MerkleFile(long Length, ReadOnlyMemory<byte> PiecesRoot, ReadOnlyMemory<byte> Layer);
