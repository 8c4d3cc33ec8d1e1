using Engine.Core.Merkle;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Merkle;

/// <summary>Piece layers assembled from peers' answers: planned in chunks with their proof, each checked against the root.</summary>
public class LayerAssemblyTests
{
    private const int Piece = MerkleTree.BlockSize;   // the piece layer is the leaf layer: many pieces cheaply

    private static (MerklePieces Known, MerklePieces Unknown) Pair(params int[] pieceCounts)
    {
        var known = new List<MerkleFile>();
        var unknown = new List<MerkleFile>();
        for (var i = 0; i < pieceCounts.Length; i++)
        {
            var data = new byte[pieceCounts[i] * Piece - 7];
            new Random(i).NextBytes(data);
            var (root, layer) = MerkleTree.OfFile(data, Piece);
            known.Add(new MerkleFile(data.Length, root, layer ?? ReadOnlyMemory<byte>.Empty));
            unknown.Add(new MerkleFile(data.Length, root, ReadOnlyMemory<byte>.Empty));
        }
        return (new MerklePieces(known, Piece), new MerklePieces(unknown, Piece));
    }

    [Fact]
    public void Every_missing_layer_is_asked_for_in_chunks_of_at_most_512_with_the_proof_to_the_root()
    {
        var (_, unknown) = Pair(5, 1, 600);           // 600 pieces: a layer 1024 wide, two chunks (the rest is padding)
        var requests = new LayerAssembly(unknown).Requests();
        Assert.Equal([(0, 8, 2), (0, 512, 9), (512, 512, 9)], requests.Select(r => (r.Index, r.Length, r.ProofLayers)));
        Assert.All(requests, r => Assert.Equal(0, r.BaseLayer));
    }

    [Fact]
    public void Answers_from_a_peer_with_the_layers_complete_them_and_the_pieces_then_verify()
    {
        var (known, unknown) = Pair(5, 1, 600);
        var assembly = new LayerAssembly(unknown);
        Assert.Equal(2, unknown.MissingLayers);
        foreach (var request in assembly.Requests())
            Assert.True(assembly.Add(request, HashAnswer.Answer(known, request)));
        Assert.Equal(0, unknown.MissingLayers);
        Assert.Empty(assembly.Requests());
        for (var file = 0; file < known.FileCount; file++) Assert.Equal(known.Layer(file).ToArray(), unknown.Layer(file).ToArray());
    }

    [Fact]
    public void A_layer_waits_for_all_its_chunks()
    {
        var (known, unknown) = Pair(600);
        var assembly = new LayerAssembly(unknown);
        var first = assembly.Requests()[0];
        Assert.True(assembly.Add(first, HashAnswer.Answer(known, first)));
        Assert.Equal(1, unknown.MissingLayers);
        Assert.Equal(512, Assert.Single(assembly.Requests()).Index);
    }

    [Fact]
    public void Answers_that_do_not_lead_to_the_root_or_of_another_shape_are_refused()
    {
        var (known, unknown) = Pair(600);
        var assembly = new LayerAssembly(unknown);
        var request = assembly.Requests()[1];
        var good = HashAnswer.Answer(known, request)!;

        var tampered = good.ToArray();
        tampered[40] ^= 1;                                                       // a base hash
        Assert.False(assembly.Add(request, tampered));
        tampered = good.ToArray();
        tampered[^1] ^= 1;                                                       // the uncle next to the root
        Assert.False(assembly.Add(request, tampered));
        Assert.False(assembly.Add(request, good.AsSpan(32)));                    // one hash short
        Assert.False(assembly.Add(request with { ProofLayers = 3 }, good));      // not the shape we asked for
        Assert.False(assembly.Add(request with { Index = 1024 }, good));         // only padding there
        Assert.False(assembly.Add(request with { Index = 256 }, good));          // not aligned
        Assert.False(assembly.Add(request with { Root = new byte[32] }, good));  // no such file
        Assert.Equal(2, assembly.Requests().Count);
        Assert.True(assembly.Add(request, good));
        Assert.False(assembly.Add(request with { Index = 0 }, HashAnswer.Answer(known, request with { Index = 0 }) is { } a ? a[..^32] : []));
    }

    [Fact]
    public void A_file_whose_layer_is_known_is_neither_asked_for_nor_taken()
    {
        var (known, _) = Pair(5);
        var assembly = new LayerAssembly(known);
        Assert.Empty(assembly.Requests());
        var request = new HashRange(known.File(0).PiecesRoot.ToArray(), 0, 0, 8, 2);
        Assert.False(assembly.Add(request, HashAnswer.Answer(known, request)));
    }
}
