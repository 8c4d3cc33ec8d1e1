using System.Numerics;
using System.Security.Cryptography;
using Engine.Core.Wire;

namespace Engine.Core.Merkle;

/// <summary>
/// Piece layers fetched from peers (BEP 52) for the files of a v2-only torrent that came without them: which
/// <c>hash request</c>s to send (<see cref="Requests"/>: each missing layer in aligned chunks of at most 512 hashes,
/// with the proof up to the pieces root), and the check of each <c>hashes</c> answer (<see cref="Add"/>: the chunk
/// and its uncles must lead to the file's pieces root). A file's layer is handed to <see cref="MerklePieces.TrySetLayer"/>
/// once all its chunks have arrived. Pure; one owner (not thread-safe).
/// </summary>
internal sealed class LayerAssembly
{
    private readonly MerklePieces _pieces;
    private readonly Dictionary<int, (byte[] Layer, bool[] Chunks)> _partial = new();

    public LayerAssembly(MerklePieces pieces) => _pieces = pieces;

    /// <summary>Most hashes asked for at once (BEP 52: a request SHOULD NOT ask for more than 512).</summary>
    public const int ChunkLength = HashAnswer.MaxLength;

    /// <summary>The requests still to answer: every chunk of every missing layer not received yet.</summary>
    public List<HashRange> Requests()
    {
        var requests = new List<HashRange>();
        var pieceLayer = HashAnswer.PieceLayer(_pieces.PieceLength);
        for (var file = 0; file < _pieces.FileCount; file++)
        {
            if (!_pieces.NeedsLayer(file) || _pieces.HasHash(_pieces.FirstPiece(file))) continue;
            var (width, height, chunk) = Shape(file);
            var root = _pieces.File(file).PiecesRoot.ToArray();
            _partial.TryGetValue(file, out var partial);
            for (var c = 0; c * chunk < width && c * chunk < _pieces.PiecesInFile(file); c++)
                if (partial.Chunks is null || !partial.Chunks[c])
                    requests.Add(new HashRange(root, pieceLayer, c * chunk, chunk, height - 1));
        }
        return requests;
    }

    /// <summary>
    /// Takes the answer to one of <see cref="Requests"/> when its hashes and uncles lead to the file's pieces root;
    /// false for anything else (another shape, a file whose layer is known, hashes that do not lead to the root).
    /// </summary>
    public bool Add(HashRange range, ReadOnlySpan<byte> hashes)
    {
        var file = _pieces.FindFile(range.Root);
        if (file < 0 || !_pieces.NeedsLayer(file) || _pieces.HasHash(_pieces.FirstPiece(file))) return false;
        var (width, height, chunk) = Shape(file);
        var subtree = BitOperations.Log2((uint)chunk);
        var uncles = height - subtree;
        if (range.BaseLayer != HashAnswer.PieceLayer(_pieces.PieceLength) || range.Length != chunk || range.Index < 0
            || range.Index % chunk != 0 || range.Index >= _pieces.PiecesInFile(file) || range.ProofLayers != height - 1
            || hashes.Length != (chunk + uncles) * MerkleTree.HashLength)
            return false;
        if (!LeadsToRoot(hashes, range.Index / chunk, chunk, uncles, _pieces.File(file).PiecesRoot.Span)) return false;

        var pieces = _pieces.PiecesInFile(file);
        if (!_partial.TryGetValue(file, out var partial))
            _partial[file] = partial = (new byte[pieces * MerkleTree.HashLength], new bool[(width + chunk - 1) / chunk]);
        var real = Math.Min(chunk, pieces - range.Index);
        hashes[..(real * MerkleTree.HashLength)].CopyTo(partial.Layer.AsSpan(range.Index * MerkleTree.HashLength));
        partial.Chunks[range.Index / chunk] = true;
        for (var c = 0; c * chunk < pieces; c++)
            if (!partial.Chunks[c]) return true;
        _partial.Remove(file);
        return _pieces.TrySetLayer(file, partial.Layer);
    }

    /// <summary>The padded layer's width, the levels above it, and the chunk length (the width when narrower than 512).</summary>
    private (int Width, int Height, int Chunk) Shape(int file)
    {
        var width = MerkleTree.PowerOfTwo(_pieces.PiecesInFile(file));
        return (width, BitOperations.Log2((uint)width), Math.Min(ChunkLength, width));
    }

    private static bool LeadsToRoot(ReadOnlySpan<byte> hashes, int position, int chunk, int uncles, ReadOnlySpan<byte> root)
    {
        Span<byte> node = stackalloc byte[MerkleTree.HashLength];
        Span<byte> joined = stackalloc byte[2 * MerkleTree.HashLength];
        MerkleTree.Root(hashes[..(chunk * MerkleTree.HashLength)], chunk, MerkleTree.ZeroLeaf, node);
        for (var k = 0; k < uncles; k++)
        {
            var uncle = hashes.Slice((chunk + k) * MerkleTree.HashLength, MerkleTree.HashLength);
            if (((position >> k) & 1) == 0) { node.CopyTo(joined); uncle.CopyTo(joined[MerkleTree.HashLength..]); }
            else { uncle.CopyTo(joined); node.CopyTo(joined[MerkleTree.HashLength..]); }
            SHA256.HashData(joined, node);
        }
        return node.SequenceEqual(root);
    }
}
