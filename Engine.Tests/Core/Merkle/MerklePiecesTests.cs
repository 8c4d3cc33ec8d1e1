using Engine.Core.Merkle;

namespace Engine.Tests.Core.Merkle;

/// <summary>Pieces aligned to files, each checked by merkle against its piece layer entry or its file's pieces root.</summary>
public class MerklePiecesTests
{
    private const int Piece = 4 * MerkleTree.BlockSize;

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static MerkleFile FileOf(byte[] data, bool withLayer = true)
    {
        if (data.Length == 0) return new MerkleFile(0, default, default);
        var (root, layer) = MerkleTree.OfFile(data, Piece);
        return new MerkleFile(data.Length, root, withLayer && layer is not null ? layer : ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>A file of many pieces with a short last one, an empty one, one smaller than a piece, one exactly a piece.</summary>
    private static byte[][] Contents() => [Bytes(3 * Piece + 1000, 1), [], Bytes(700, 2), Bytes(Piece, 3)];

    private static ReadOnlySpan<byte> PieceData(byte[] file, int index, int length) => file.AsSpan(index * Piece, length);

    [Fact]
    public void Each_file_with_data_has_its_own_pieces_and_empty_files_none()
    {
        var pieces = new MerklePieces(Contents().Select(c => FileOf(c)).ToList(), Piece);
        Assert.Equal(6, pieces.PieceCount);                     // 4 + 0 + 1 + 1
        Assert.Equal(3, pieces.FileCount);
        Assert.Equal((0, 3), pieces.Locate(3));
        Assert.Equal((1, 0), pieces.Locate(4));
        Assert.Equal((2, 0), pieces.Locate(5));
        Assert.Equal([Piece, Piece, Piece, 1000, 700, Piece], Enumerable.Range(0, 6).Select(pieces.DataLength));
        Assert.Equal(0, pieces.MissingLayers);
        Assert.Throws<ArgumentOutOfRangeException>(() => pieces.Locate(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => pieces.Locate(-1));
    }

    [Fact]
    public void Every_piece_verifies_and_a_flipped_byte_fails_only_its_own_piece()
    {
        var contents = Contents();
        var withData = contents.Where(c => c.Length > 0).ToArray();
        var pieces = new MerklePieces(contents.Select(c => FileOf(c)).ToList(), Piece);
        for (var p = 0; p < pieces.PieceCount; p++)
        {
            var (file, index) = pieces.Locate(p);
            var data = PieceData(withData[file], index, pieces.DataLength(p)).ToArray();
            Assert.True(pieces.Verify(p, data), $"piece {p}");
            data[data.Length / 2] ^= 1;
            Assert.False(pieces.Verify(p, data), $"altered piece {p}");
            Assert.False(pieces.Verify(p, data.AsSpan(0, data.Length - 1)), $"short piece {p}");
        }
        Assert.False(pieces.Verify(0, PieceData(withData[0], 1, Piece)));   // another piece's bytes
    }

    [Fact]
    public void A_piece_whose_layer_is_unknown_cannot_verify_until_the_right_layer_is_set()
    {
        var big = Bytes(2 * Piece + 5, 7);
        var (_, layer) = MerkleTree.OfFile(big, Piece);
        var pieces = new MerklePieces([FileOf(big, withLayer: false), FileOf(Bytes(10, 8))], Piece);
        Assert.Equal(1, pieces.MissingLayers);
        Assert.False(pieces.HasHash(0));
        Assert.True(pieces.HasHash(3));                          // the small file: its root is its hash
        Assert.False(pieces.Verify(0, big.AsSpan(0, Piece)));

        Assert.False(pieces.TrySetLayer(0, layer.AsSpan(0, 64)));                 // one hash short
        var wrong = layer!.ToArray();
        wrong[5] ^= 1;
        Assert.False(pieces.TrySetLayer(0, wrong));                               // does not lead to the root
        Assert.False(pieces.TrySetLayer(1, new byte[32]));                        // the small file has no layer
        Assert.False(pieces.TrySetLayer(9, layer));                               // no such file
        Assert.Equal(1, pieces.MissingLayers);

        Assert.True(pieces.TrySetLayer(0, layer));
        Assert.Equal(0, pieces.MissingLayers);
        Assert.True(pieces.Verify(0, big.AsSpan(0, Piece)));
        Assert.True(pieces.Verify(2, big.AsSpan(2 * Piece)));
        Assert.Equal(layer, pieces.Layer(0).ToArray());
    }

    [Fact]
    public void A_layer_that_does_not_match_its_root_is_refused_at_construction()
    {
        var big = Bytes(2 * Piece, 9);
        var (root, layer) = MerkleTree.OfFile(big, Piece);
        layer![0] ^= 1;
        Assert.Throws<ArgumentException>(() => new MerklePieces([new MerkleFile(big.Length, root, layer)], Piece));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MerklePieces([], 3 * MerkleTree.BlockSize));
    }

    [Fact]
    public void Files_are_found_by_their_pieces_root()
    {
        var contents = Contents();
        var pieces = new MerklePieces(contents.Select(c => FileOf(c)).ToList(), Piece);
        Assert.Equal(2, pieces.FindFile(FileOf(contents[3]).PiecesRoot.Span));
        Assert.Equal(-1, pieces.FindFile(new byte[32]));
        Assert.Equal(4, pieces.FirstPiece(1));
        Assert.Equal(4, pieces.PiecesInFile(0));
    }

    [Fact]
    public void Random_files_verify_piece_by_piece_from_their_leaves()
    {
        var rng = new Random(2052);
        for (var run = 0; run < 40; run++)
        {
            var contents = Enumerable.Range(0, rng.Next(1, 6)).Select(i => Bytes(rng.Next(0, 6 * Piece), run * 10 + i)).ToArray();
            if (contents.All(c => c.Length == 0)) continue;
            var withData = contents.Where(c => c.Length > 0).ToArray();
            var pieces = new MerklePieces(contents.Select(c => FileOf(c)).ToList(), Piece);
            Assert.Equal(withData.Sum(c => (c.Length + Piece - 1) / Piece), pieces.PieceCount);
            for (var p = 0; p < pieces.PieceCount; p++)
            {
                var (file, index) = pieces.Locate(p);
                var data = PieceData(withData[file], index, pieces.DataLength(p));
                var leaves = new byte[MerkleTree.Blocks(data.Length) * MerkleTree.HashLength];
                MerkleTree.HashLeaves(data, leaves);
                Assert.True(pieces.VerifyLeaves(p, leaves), $"run {run} piece {p}");
                Assert.False(pieces.VerifyLeaves(p, leaves.AsSpan(32)), $"run {run} piece {p} without its first leaf");
            }
        }
    }
}
