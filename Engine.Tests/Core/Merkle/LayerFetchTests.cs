using Engine.Core.Merkle;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Merkle;

/// <summary>Missing piece layers asked of peers: bounded per peer, moved to another peer on reject, timeout or departure, wrong answers not believed.</summary>
public class LayerFetchTests
{
    private const int Piece = MerkleTree.BlockSize;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (MerklePieces Known, MerklePieces Unknown) Pair(params int[] pieceCounts)
    {
        var known = new List<MerkleFile>();
        var unknown = new List<MerkleFile>();
        for (var i = 0; i < pieceCounts.Length; i++)
        {
            var data = new byte[pieceCounts[i] * Piece - 3];
            new Random(i).NextBytes(data);
            var (root, layer) = MerkleTree.OfFile(data, Piece);
            known.Add(new MerkleFile(data.Length, root, layer ?? ReadOnlyMemory<byte>.Empty));
            unknown.Add(new MerkleFile(data.Length, root, ReadOnlyMemory<byte>.Empty));
        }
        return (new MerklePieces(known, Piece), new MerklePieces(unknown, Piece));
    }

    [Fact]
    public void A_peer_is_asked_for_at_most_its_share_and_no_chunk_goes_to_two_peers_at_once()
    {
        var (_, unknown) = Pair(600, 600, 5);          // five chunks
        var fetch = new LayerFetch<int>(unknown, maxInFlightPerPeer: 2);
        var a = fetch.Next(1, T0);
        Assert.Equal(2, a.Count);
        Assert.Empty(fetch.Next(1, T0));
        var b = fetch.Next(2, T0);
        Assert.Equal(2, b.Count);
        Assert.Empty(a.Intersect(b));
        Assert.Single(fetch.Next(3, T0));
        Assert.Equal(5, fetch.InFlight);
    }

    [Fact]
    public void Answers_complete_the_layers_and_the_fetch_is_then_done()
    {
        var (known, unknown) = Pair(600, 1, 9);
        var fetch = new LayerFetch<int>(unknown);
        var outcomes = new List<LayerAnswer>();
        for (var round = 0; round < 5 && !fetch.Done; round++)
            foreach (var range in fetch.Next(7, T0))
                outcomes.Add(fetch.OnHashes(7, range, HashAnswer.Answer(known, range)));
        Assert.True(fetch.Done);
        Assert.Equal([LayerAnswer.Accepted, LayerAnswer.LayerComplete, LayerAnswer.LayerComplete], outcomes);
        Assert.Empty(fetch.Next(7, T0));
        for (var file = 0; file < known.FileCount; file++) Assert.Equal(known.Layer(file).ToArray(), unknown.Layer(file).ToArray());
    }

    [Fact]
    public void A_wrong_answer_is_not_believed_and_the_chunk_is_asked_again()
    {
        var (known, unknown) = Pair(9);
        var fetch = new LayerFetch<int>(unknown);
        var range = Assert.Single(fetch.Next(1, T0));
        var answer = HashAnswer.Answer(known, range)!;
        answer[5] ^= 0x40;
        Assert.Equal(LayerAnswer.Wrong, fetch.OnHashes(1, range, answer));
        Assert.Equal(1, fetch.WrongAnswers);
        Assert.Equal(1, unknown.MissingLayers);
        Assert.Equal(range, Assert.Single(fetch.Next(2, T0)));
    }

    [Fact]
    public void An_answer_nobody_asked_for_or_from_another_peer_is_ignored()
    {
        var (known, unknown) = Pair(9);
        var fetch = new LayerFetch<int>(unknown);
        var range = Assert.Single(fetch.Next(1, T0));
        Assert.Equal(LayerAnswer.Unasked, fetch.OnHashes(2, range, HashAnswer.Answer(known, range)));
        Assert.Equal(1, fetch.InFlight);
        Assert.Equal(LayerAnswer.LayerComplete, fetch.OnHashes(1, range, HashAnswer.Answer(known, range)));
        Assert.Equal(LayerAnswer.Unasked, fetch.OnHashes(1, range, HashAnswer.Answer(known, range)));
    }

    [Fact]
    public void A_rejected_chunk_goes_to_another_peer_and_back_to_the_first_only_after_a_while()
    {
        var (_, unknown) = Pair(9);
        var fetch = new LayerFetch<int>(unknown, retryAfter: TimeSpan.FromSeconds(30));
        var range = Assert.Single(fetch.Next(1, T0));
        fetch.OnReject(1, range, T0);
        Assert.Empty(fetch.Next(1, T0.AddSeconds(1)));
        Assert.Equal(range, Assert.Single(fetch.Next(2, T0.AddSeconds(1))));
        fetch.PeerGone(2);
        Assert.Empty(fetch.Next(1, T0.AddSeconds(29)));
        Assert.Equal(range, Assert.Single(fetch.Next(1, T0.AddSeconds(30))));
    }

    [Fact]
    public void A_peer_that_never_answers_loses_the_chunk_after_the_timeout()
    {
        var (_, unknown) = Pair(9);
        var fetch = new LayerFetch<int>(unknown, timeout: TimeSpan.FromSeconds(10));
        var range = Assert.Single(fetch.Next(1, T0));
        Assert.Empty(fetch.Next(2, T0.AddSeconds(9)));
        Assert.Equal(range, Assert.Single(fetch.Next(2, T0.AddSeconds(10))));
        Assert.Equal(LayerAnswer.Unasked, fetch.OnHashes(1, range, new byte[32]));
    }

    [Fact]
    public void A_torrent_with_every_layer_asks_for_nothing()
    {
        var (known, _) = Pair(9, 1);
        var fetch = new LayerFetch<int>(known);
        Assert.True(fetch.Done);
        Assert.Empty(fetch.Next(1, T0));
    }
}
