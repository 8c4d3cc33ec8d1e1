using Engine.Core.Merkle;
using Engine.Core.Pieces;

namespace Engine.Tests.Core.Merkle;

/// <summary>A hybrid's piece layers rebuilt from its verified data: which files are ready, and the layer their leaves make.</summary>
public class LayerRebuildTests
{
    private const int Piece = 4 * MerkleTree.BlockSize;

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Files of 3 pieces and a short one, of one piece (no layer), and of 2 pieces; none with its layer known.</summary>
    private static (MerklePieces Pieces, byte[][] Data, byte[][] Layers) Unknown()
    {
        byte[][] data = [Bytes(3 * Piece + 1000, 1), Bytes(700, 2), Bytes(Piece + 1, 3)];
        var files = new List<MerkleFile>();
        var layers = new List<byte[]>();
        foreach (var d in data)
        {
            var (root, layer) = MerkleTree.OfFile(d, Piece);
            files.Add(new MerkleFile(d.Length, root, ReadOnlyMemory<byte>.Empty));
            layers.Add(layer ?? []);
        }
        return (new MerklePieces(files, Piece), data, [.. layers]);
    }

    private static Bitfield Have(int count, params int[] pieces)
    {
        var have = new Bitfield(count);
        foreach (var p in pieces) have[p] = true;
        return have;
    }

    /// <summary>The layer of <paramref name="file"/> as storage rebuilds it: each piece's node from its data's leaves.</summary>
    private static byte[] Rebuilt(MerklePieces pieces, byte[] data, int file)
    {
        var layer = new byte[pieces.PiecesInFile(file) * MerkleTree.HashLength];
        for (var i = 0; i < pieces.PiecesInFile(file); i++)
        {
            var bytes = data.AsSpan(i * Piece, pieces.DataLength(pieces.FirstPiece(file) + i));
            var leaves = new byte[MerkleTree.Blocks(bytes.Length) * MerkleTree.HashLength];
            MerkleTree.HashLeaves(bytes, leaves);
            LayerRebuild.PieceNode(leaves, Piece, layer.AsSpan(i * MerkleTree.HashLength, MerkleTree.HashLength));
        }
        return layer;
    }

    [Fact]
    public void Only_files_longer_than_a_piece_with_every_piece_verified_and_no_layer_are_ready()
    {
        var (pieces, _, _) = Unknown();
        Assert.Equal(7, pieces.PieceCount);                                        // 4 + 1 + 2
        Assert.Empty(LayerRebuild.Ready(pieces, Have(7)));
        Assert.Empty(LayerRebuild.Ready(pieces, Have(7, 0, 1, 2, 4, 5)));            // file 0 lacks piece 3; file 1 needs no layer
        Assert.Equal([0], LayerRebuild.Ready(pieces, Have(7, 0, 1, 2, 3)));
        var all = Have(7);
        all.SetAll();
        Assert.Equal([0, 2], LayerRebuild.Ready(pieces, all));
    }

    [Fact]
    public void The_piece_that_completes_a_file_names_it_and_no_other_piece_does()
    {
        var (pieces, data, _) = Unknown();
        Assert.Equal(-1, LayerRebuild.CompletedBy(pieces, Have(7, 0, 1, 2), 2));    // piece 3 still missing
        Assert.Equal(0, LayerRebuild.CompletedBy(pieces, Have(7, 0, 1, 2, 3), 3));
        Assert.Equal(-1, LayerRebuild.CompletedBy(pieces, Have(7, 4), 4));          // one piece: its root checks it, no layer
        Assert.Equal(2, LayerRebuild.CompletedBy(pieces, Have(7, 5, 6), 5));
        Assert.Equal(-1, LayerRebuild.CompletedBy(pieces, Have(7, 5, 6), 7));       // past the end
        Assert.True(pieces.TrySetLayer(0, Rebuilt(pieces, data[0], 0)));
        Assert.Equal(-1, LayerRebuild.CompletedBy(pieces, Have(7, 0, 1, 2, 3), 3)); // known now: nothing to rebuild
    }

    [Fact]
    public void A_layer_rebuilt_from_the_data_is_the_layer_of_the_torrent_and_leads_to_the_root()
    {
        var (pieces, data, layers) = Unknown();
        foreach (var file in new[] { 0, 2 })
        {
            var rebuilt = Rebuilt(pieces, data[file], file);
            Assert.Equal(layers[file], rebuilt);
            Assert.True(pieces.TrySetLayer(file, rebuilt));
        }
        Assert.Equal(0, pieces.MissingLayers);
        Assert.NotNull(pieces.Tree(0));                                             // hash requests are answered from it
    }

    [Fact]
    public void Data_that_differs_in_one_byte_rebuilds_a_layer_the_root_refuses()
    {
        var (pieces, data, _) = Unknown();
        var changed = data[0].ToArray();
        changed[2 * Piece + 5] ^= 1;
        Assert.False(pieces.TrySetLayer(0, Rebuilt(pieces, changed, 0)));
        Assert.Equal(2, pieces.MissingLayers);
    }
}
