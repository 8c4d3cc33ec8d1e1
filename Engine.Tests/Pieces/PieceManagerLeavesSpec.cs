using System.Net;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Merkle;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Pieces;
using Engine.Storage;

namespace Engine.Tests.Pieces;

/// <summary>
/// The PieceManager of a v2-only torrent pins a failed piece to its bad blocks: it asks a v2 peer that sent none of it
/// for the piece's leaves, then wants only the bad blocks again and bans their sender; with no answer it fetches the
/// piece again whole, as before.
/// </summary>
public sealed class PieceManagerLeavesSpec : TestKit
{
    private const int Block = MerkleTree.BlockSize;
    private const int Piece = 4 * Block;
    private const int Length = 2 * Piece;
    private readonly TorrentLayout _layout = new(Length, Piece);
    private readonly BlockPool _pool = new(16);
    private readonly byte[] _data = new byte[Length];
    private readonly MerklePieces _pieces;
    private readonly TestProbe _storage;
    private readonly TestProbe _torrent;

    public PieceManagerLeavesSpec() : base(output: null)
    {
        new Random(12).NextBytes(_data);
        var (root, layer) = MerkleTree.OfFile(_data, Piece);
        _pieces = new MerklePieces([new MerkleFile(Length, root, layer!)], Piece);
        _storage = CreateTestProbe("storage");
        _torrent = CreateTestProbe("torrent");
    }

    private IActorRef Start() => _torrent.ChildActorOf(PieceManager.Props(InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567"), _layout,
        new Bitfield(_layout.PieceCount), _storage.Ref, seed: 3, merkle: _pieces));

    private TestProbe Join(IActorRef manager, string name, int host, bool speaksV2 = true)
    {
        var peer = CreateTestProbe(name);
        manager.Tell(new PieceManager.PeerJoined(PeerId.CreateOurs(), new IPEndPoint(IPAddress.Parse("10.0.0." + host), 6881), SpeaksV2: speaksV2), peer.Ref);
        peer.ExpectMsg<PieceManager.Welcome>();
        var all = new Bitfield(_layout.PieceCount);
        all.SetAll();
        manager.Tell(new PieceManager.PeerBitfield(all), peer.Ref);
        peer.ExpectMsg<PieceManager.Interest>();
        return peer;
    }

    /// <summary><paramref name="liar"/> sends a whole piece with block 2 wrong; storage says it failed. Returns the piece.</summary>
    private int FailAPiece(IActorRef manager, TestProbe liar)
    {
        manager.Tell(new PieceManager.RequestBlocks(4), liar.Ref);
        var blocks = liar.ExpectMsg<PieceManager.BlocksAssigned>().Blocks;
        var piece = blocks[0].Piece;
        Assert.All(blocks, b => Assert.Equal(piece, b.Piece));
        manager.Tell(new PieceManager.BlocksArrived(blocks.Select(b => new PieceMessage(b.Piece, b.Offset, _pool.Rent(b.Length))).ToArray(), new DiskCredit(0)), liar.Ref);
        foreach (var data in _storage.ExpectMsg<StorageActor.WriteBlocks>().Data) data.Release();
        Assert.Equal(piece, _storage.ExpectMsg<StorageActor.VerifyPiece>().Piece);
        var digests = Enumerable.Range(0, 4).Select(b => BlockDigest.Of(_data.AsSpan(piece * Piece + b * Block, Block))).ToArray();
        digests[2] ^= 1;
        manager.Tell(new StorageActor.PieceChecked(piece, false) { BlockDigests = digests });
        return piece;
    }

    private HashRange AskedOf(TestProbe peer) =>
        Assert.IsType<HashRequest>(Assert.Single(peer.FishForMessage<PieceManager.AskHashes>(_ => true).Requests)).Range;

    private byte[] LeavesOf(int piece)
    {
        var leaves = new byte[4 * MerkleTree.HashLength];
        MerkleTree.HashLeaves(_data.AsSpan(piece * Piece, Piece), leaves);
        return leaves;
    }

    private static BlockRequest[] OfPiece(TestProbe peer, IActorRef manager, int piece)
    {
        manager.Tell(new PieceManager.RequestBlocks(8), peer.Ref);
        return peer.FishForMessage<PieceManager.BlocksAssigned>(_ => true).Blocks.Where(b => b.Piece == piece).ToArray();
    }

    [Fact]
    public void Proven_leaves_ban_the_sender_of_the_bad_block_and_only_that_block_is_fetched_again()
    {
        var manager = Start();
        var liar = Join(manager, "liar", 1);
        var honest = Join(manager, "honest", 2);
        var piece = FailAPiece(manager, liar);
        var asked = AskedOf(honest);                                      // the peer that sent none of it
        Assert.Equal(new HashRange(_pieces.File(0).PiecesRoot.ToArray(), 0, piece * 4, 4, 0), asked);
        manager.Tell(new PieceManager.HashAnswered(new Hashes(asked, LeavesOf(piece))), honest.Ref);
        Assert.Contains("merkle", liar.FishForMessage<PieceManager.BanPeer>(_ => true).Reason);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881).Address, _torrent.FishForMessage<PieceManager.BanAddress>(_ => true).Key.Address);
        Assert.Equal([new BlockRequest(piece, 2 * Block, Block)], OfPiece(honest, manager, piece));
    }

    [Fact]
    public void Rejected_by_every_v2_peer_the_piece_is_fetched_again_whole_and_nobody_is_banned()
    {
        var manager = Start();
        var liar = Join(manager, "liar", 1);
        var honest = Join(manager, "honest", 2);
        var v1 = Join(manager, "v1", 3, speaksV2: false);
        var piece = FailAPiece(manager, liar);
        var asked = AskedOf(honest);
        manager.Tell(new PieceManager.HashAnswered(new HashReject(asked)), honest.Ref);
        Assert.Equal(asked, AskedOf(liar));                               // then any v2 peer: its answer must prove anyway
        manager.Tell(new PieceManager.HashAnswered(new HashReject(asked)), liar.Ref);
        Assert.Equal(4, OfPiece(v1, manager, piece).Length);
        Assert.DoesNotContain(liar.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m), m => m is PieceManager.BanPeer);
        Assert.DoesNotContain(_torrent.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m), m => m is PieceManager.BanAddress);
    }

    [Fact]
    public void Leaves_that_do_not_prove_are_not_trusted_and_the_next_peer_is_asked()
    {
        var manager = Start();
        var liar = Join(manager, "liar", 1);
        var honest = Join(manager, "honest", 2);
        var piece = FailAPiece(manager, liar);
        var asked = AskedOf(honest);
        var forged = LeavesOf(piece);
        forged[0] ^= 1;
        manager.Tell(new PieceManager.HashAnswered(new Hashes(asked, forged)), honest.Ref);
        Assert.Equal(asked, AskedOf(liar));
        manager.Tell(new PieceManager.HashAnswered(new Hashes(asked, LeavesOf(piece))), liar.Ref);   // even the liar cannot forge them
        Assert.Contains("merkle", liar.FishForMessage<PieceManager.BanPeer>(_ => true).Reason);
    }

    [Fact]
    public void A_peer_that_never_answers_costs_a_timeout_then_the_piece_is_fetched_again_whole()
    {
        var manager = Start();
        var liar = Join(manager, "liar", 1, speaksV2: false);
        var honest = Join(manager, "honest", 2);
        var piece = FailAPiece(manager, liar);
        AskedOf(honest);
        Assert.Empty(OfPiece(honest, manager, piece));                    // while it waits, none of the piece is asked for
        Within(PieceManager.LeafAskTimeout + TimeSpan.FromSeconds(3), () =>
        {
            AwaitAssert(() => Assert.Equal(4, OfPiece(honest, manager, piece).Length), interval: TimeSpan.FromMilliseconds(250));
        });
    }
}
