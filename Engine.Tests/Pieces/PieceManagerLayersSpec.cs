using Akka.Actor;
using Akka.TestKit.Xunit2;
using Akka.TestKit;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Merkle;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Pieces;
using Engine.Storage;

namespace Engine.Tests.Pieces;

/// <summary>The PieceManager of a v2-only torrent without a piece layer: it asks peers for it and holds the pieces it checks.</summary>
public sealed class PieceManagerLayersSpec : TestKit
{
    private const int Piece = MerkleTree.BlockSize;   // one block a piece
    private const int Length = 3 * Piece - 5;
    private readonly TorrentLayout _layout = new(Length, Piece);
    private readonly BlockPool _pool = new(16);
    private readonly MerklePieces _known;
    private readonly MerklePieces _unknown;
    private readonly TestProbe _storage;

    public PieceManagerLayersSpec() : base(output: null)
    {
        var data = new byte[Length];
        new Random(9).NextBytes(data);
        var (root, layer) = MerkleTree.OfFile(data, Piece);
        _known = new MerklePieces([new MerkleFile(Length, root, layer!)], Piece);
        _unknown = new MerklePieces([new MerkleFile(Length, root, ReadOnlyMemory<byte>.Empty)], Piece);
        _storage = CreateTestProbe("storage");
    }

    private (IActorRef Manager, TestProbe Peer, HashRange Asked) Start()
    {
        var manager = CreateTestProbe("torrent").ChildActorOf(PieceManager.Props(InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567"), _layout,
            new Bitfield(_layout.PieceCount), _storage.Ref, seed: 3, merkle: _unknown));
        var peer = CreateTestProbe("peer");
        manager.Tell(new PieceManager.PeerJoined(PeerId.CreateOurs(), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.1"), 6881), SpeaksV2: true), peer.Ref);
        peer.ExpectMsg<PieceManager.Welcome>();
        var asked = Assert.IsType<HashRequest>(Assert.Single(peer.ExpectMsg<PieceManager.AskHashes>().Requests)).Range;
        var all = new Bitfield(_layout.PieceCount);
        all.SetAll();
        manager.Tell(new PieceManager.PeerBitfield(all), peer.Ref);
        peer.ExpectMsg<PieceManager.Interest>();
        return (manager, peer, asked);
    }

    private void DeliverFirstPiece(IActorRef manager, TestProbe peer)
    {
        manager.Tell(new PieceManager.RequestBlocks(3), peer.Ref);
        var block = peer.ExpectMsg<PieceManager.BlocksAssigned>().Blocks.First(b => b.Piece == 0);
        manager.Tell(new PieceManager.BlockArrived(new PieceMessage(0, 0, _pool.Rent(block.Length)), new DiskCredit(0)), peer.Ref);
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
    }

    [Fact]
    public void A_piece_whose_hash_is_unknown_is_held_and_verified_once_the_layer_arrives()
    {
        var (manager, peer, asked) = Start();
        DeliverFirstPiece(manager, peer);
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(200));               // held: nothing to check it against yet
        manager.Tell(new PieceManager.HashAnswered(new Hashes(asked, HashAnswer.Answer(_known, asked)!)), peer.Ref);
        Assert.Equal(0, _storage.ExpectMsg<StorageActor.VerifyPiece>().Piece);
        Assert.Equal(0, _unknown.MissingLayers);
    }

    [Fact]
    public void Wrong_layer_hashes_ban_the_peer_and_the_piece_stays_held()
    {
        var (manager, peer, asked) = Start();
        DeliverFirstPiece(manager, peer);
        var wrong = HashAnswer.Answer(_known, asked)!;
        wrong[0] ^= 1;
        manager.Tell(new PieceManager.HashAnswered(new Hashes(asked, wrong)), peer.Ref);
        Assert.Contains("do not lead to the pieces root", peer.FishForMessage<PieceManager.BanPeer>(_ => true).Reason);
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, _unknown.MissingLayers);
    }

    [Fact]
    public void A_rejected_request_goes_to_another_peer()
    {
        var (manager, peer, asked) = Start();
        var other = CreateTestProbe("other");
        manager.Tell(new PieceManager.PeerJoined(PeerId.CreateOurs(), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.2"), 6881), SpeaksV2: true), other.Ref);
        other.ExpectMsg<PieceManager.Welcome>();
        other.ExpectNoMsg(TimeSpan.FromMilliseconds(100));                  // the only chunk is with the first peer
        manager.Tell(new PieceManager.HashAnswered(new HashReject(asked)), peer.Ref);
        Assert.Equal(asked, Assert.IsType<HashRequest>(Assert.Single(other.ExpectMsg<PieceManager.AskHashes>().Requests)).Range);
    }

    [Fact]
    public void A_peer_that_does_not_speak_v2_is_never_asked_for_a_layer()
    {
        var (manager, peer, asked) = Start();
        var v1 = CreateTestProbe("v1");
        manager.Tell(new PieceManager.PeerJoined(PeerId.CreateOurs(), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.3"), 6881)), v1.Ref);
        v1.ExpectMsg<PieceManager.Welcome>();
        manager.Tell(new PieceManager.HashAnswered(new HashReject(asked)), peer.Ref);   // the chunk is free again, kept from the first peer for 30 s
        v1.ExpectNoMsg(TimeSpan.FromMilliseconds(1500));                             // past a layer tick: still not asked
    }

    [Fact]
    public void Pieces_held_before_a_restart_are_not_downloaded_again_and_are_verified_when_the_layer_arrives()
    {
        var held = new Bitfield(_layout.PieceCount);
        held[0] = true;
        var manager = CreateTestProbe("torrent").ChildActorOf(PieceManager.Props(InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567"), _layout,
            new Bitfield(_layout.PieceCount), _storage.Ref, seed: 3, merkle: _unknown, held: held));
        var peer = CreateTestProbe("peer");
        manager.Tell(new PieceManager.PeerJoined(PeerId.CreateOurs(), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.1"), 6881), SpeaksV2: true), peer.Ref);
        peer.ExpectMsg<PieceManager.Welcome>();
        var asked = Assert.IsType<HashRequest>(Assert.Single(peer.ExpectMsg<PieceManager.AskHashes>().Requests)).Range;
        var all = new Bitfield(_layout.PieceCount);
        all.SetAll();
        manager.Tell(new PieceManager.PeerBitfield(all), peer.Ref);
        peer.ExpectMsg<PieceManager.Interest>();
        manager.Tell(new PieceManager.RequestBlocks(10), peer.Ref);
        Assert.DoesNotContain(peer.ExpectMsg<PieceManager.BlocksAssigned>().Blocks, b => b.Piece == 0);
        manager.Tell(new PieceManager.GetHave(), peer.Ref);
        Assert.True(peer.ExpectMsg<PieceManager.HaveSnapshot>().Held![0]);   // told to storage on stop: still held
        manager.Tell(new PieceManager.HashAnswered(new Hashes(asked, HashAnswer.Answer(_known, asked)!)), peer.Ref);
        Assert.Equal(0, _storage.FishForMessage<StorageActor.VerifyPiece>(_ => true).Piece);
    }
}
