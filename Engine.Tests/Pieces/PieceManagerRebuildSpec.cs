using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Engine.Core.Merkle;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Pieces;
using Engine.Storage;

namespace Engine.Tests.Pieces;

/// <summary>
/// The PieceManager of a hybrid torrent without piece layers asks storage to rebuild a file's layer once every piece of
/// the file is verified: at start for the files already complete, then when the piece that completes one is verified;
/// never twice, never for a one-piece file, never for a v2-only torrent; the layer rebuilt goes into the resume record.
/// </summary>
public sealed class PieceManagerRebuildSpec : TestKit
{
    private const int Piece = MerkleTree.BlockSize;   // one block a piece
    private static readonly InfoHash Hash = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");
    private readonly MerklePieces _hybrid;              // files of 3 pieces, 1 piece and 2 pieces: pieces 0-2, 3, 4-5
    private readonly TorrentLayout _layout = new(6 * Piece, Piece);
    private readonly byte[][] _layers = new byte[3][];
    private readonly TestProbe _storage;

    public PieceManagerRebuildSpec() : base(output: null)
    {
        var random = new Random(5);
        var files = new List<MerkleFile>();
        var i = 0;
        foreach (var length in new[] { 3 * Piece, 100, 2 * Piece })
        {
            var data = new byte[length];
            random.NextBytes(data);
            var (root, layer) = MerkleTree.OfFile(data, Piece);
            _layers[i++] = layer ?? [];
            files.Add(new MerkleFile(length, root, ReadOnlyMemory<byte>.Empty));
        }
        _hybrid = new MerklePieces(files, Piece);
        _storage = CreateTestProbe("storage");
    }

    private IActorRef Start(Bitfield verified, MerklePieces? merkle = null) =>
        CreateTestProbe().ChildActorOf(PieceManager.Props(Hash, _layout, verified, _storage.Ref, seed: 3, saveInterval: TimeSpan.FromMilliseconds(100),
            merkle: merkle, leaves: merkle is null ? _hybrid : null));

    private static Bitfield Have(params int[] pieces)
    {
        var have = new Bitfield(6);
        foreach (var p in pieces) have[p] = true;
        return have;
    }

    [Fact]
    public void At_start_every_complete_file_that_needs_a_layer_is_rebuilt_once()
    {
        Start(Have(0, 1, 2, 3, 4));                                               // file 0 complete, file 2 lacks piece 5
        Assert.Equal(0, _storage.ExpectMsg<StorageActor.RebuildLayer>().File);
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_piece_that_completes_a_file_has_it_rebuilt_and_the_layer_goes_into_the_resume_record()
    {
        var manager = Start(Have(0, 1, 4, 5));
        Assert.Equal(2, _storage.ExpectMsg<StorageActor.RebuildLayer>().File);
        manager.Tell(new StorageActor.PieceChecked(2, true), _storage.Ref);
        Assert.Equal(0, _storage.ExpectMsg<StorageActor.RebuildLayer>().File);
        _storage.ExpectMsg<StorageActor.SaveResume>(TimeSpan.FromSeconds(5));   // the piece's own save
        Assert.True(_hybrid.TrySetLayer(0, _layers[0]));                         // as storage does before it answers
        manager.Tell(new StorageActor.LayerRebuilt(0, true), _storage.Ref);
        _storage.ExpectMsg<StorageActor.SaveResume>(TimeSpan.FromSeconds(5));   // with the layer (StorageActor.LearntLayers)
        manager.Tell(new StorageActor.LayerRebuilt(2, false), _storage.Ref);    // the halves disagree: logged, not asked again
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_file_not_read_is_asked_again_only_at_the_next_start_and_a_v2_only_torrent_never_rebuilds()
    {
        var all = Have(0, 1, 2, 3, 4, 5);
        var manager = Start(Have(0, 1, 2));
        Assert.Equal(0, _storage.ExpectMsg<StorageActor.RebuildLayer>().File);
        manager.Tell(new StorageActor.LayerRebuilt(0, false) { NotRead = true }, _storage.Ref);
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Start(all, merkle: _hybrid);                                              // as a v2-only torrent's pieces: layers are fetched
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
