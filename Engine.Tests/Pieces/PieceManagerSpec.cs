using Akka.Actor;
using Akka.TestKit.Xunit2;
using Akka.TestKit;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Pieces;
using Engine.Storage;

namespace Engine.Tests.Pieces;

/// <summary>The PieceManager with probes standing in for peers and storage.</summary>
public sealed class PieceManagerSpec : TestKit
{
    // 4 pieces of 32 KiB = 2 blocks each: 8 blocks.
    private readonly TorrentLayout _layout = new(4 * 32 * 1024, 32 * 1024);
    private readonly BlockPool _pool = new(64);
    private readonly TestProbe _storage;
    private readonly TestProbe _torrent;
    private int _nextAddress;

    public PieceManagerSpec() : base(output: null)
    {
        _storage = CreateTestProbe("storage");
        _torrent = CreateTestProbe("torrent");
    }

    private IActorRef StartManager(Bitfield? verified = null, TimeSpan? saveInterval = null)
        => _torrent.ChildActorOf(PieceManager.Props(Engine.Core.Primitives.InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567"), _layout, verified ?? new Bitfield(_layout.PieceCount), _storage.Ref, seed: 7, saveInterval));

    private TestProbe JoinSeeder(IActorRef manager, string name)
    {
        var peer = CreateTestProbe(name);
        manager.Tell(new PieceManager.PeerJoined(PeerId.CreateOurs(), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0." + (++_nextAddress)), 6881)), peer.Ref);
        peer.ExpectMsg<PieceManager.Welcome>();
        var all = new Bitfield(_layout.PieceCount);
        all.SetAll();
        manager.Tell(new PieceManager.PeerBitfield(all), peer.Ref);
        Assert.True(peer.ExpectMsg<PieceManager.Interest>().Interested);
        return peer;
    }

    private BlockRequest[] Ask(IActorRef manager, TestProbe peer, int max)
    {
        manager.Tell(new PieceManager.RequestBlocks(max), peer.Ref);
        return peer.ExpectMsg<PieceManager.BlocksAssigned>().Blocks;
    }

    private void Deliver(IActorRef manager, TestProbe peer, BlockRequest block, byte fill = 1)
    {
        var data = _pool.Rent(block.Length);
        data.Span.Fill(fill);
        manager.Tell(new PieceManager.BlockArrived(new PieceMessage(block.Piece, block.Offset, data), new DiskCredit(0)), peer.Ref);
    }

    [Fact]
    public void Blocks_of_one_read_go_to_storage_in_one_write_and_the_pieces_they_complete_are_verified_behind_it()
    {
        var manager = StartManager();
        var a = JoinSeeder(manager, "a");
        var blocks = Ask(manager, a, 8);
        var byOffset = blocks.OrderBy(b => b.Piece).ThenBy(b => b.Offset).ToArray();
        // One read: both blocks of the first piece, the first block of the second, and one never requested.
        var unrequested = _pool.Rent(100);
        var credit = new DiskCredit(0);
        PieceMessage Message(BlockRequest b) => new(b.Piece, b.Offset, _pool.Rent(b.Length));
        manager.Tell(new PieceManager.BlocksArrived(
            [Message(byOffset[0]), Message(byOffset[1]), Message(byOffset[2]), new PieceMessage(byOffset[3].Piece, 100, unrequested)], credit), a.Ref);
        var write = _storage.ExpectMsg<StorageActor.WriteBlocks>();
        Assert.Equal(byOffset[..3], write.Blocks);
        Assert.Equal(3, write.Data.Length);
        Assert.Same(credit, write.Credit);
        Assert.Equal(byOffset[0].Piece, _storage.ExpectMsg<StorageActor.VerifyPiece>().Piece);
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        // The unexpected block was dropped at once: its buffer and its credit are back.
        Assert.True(unrequested.IsReleased);
        Assert.Equal(1, credit.CurrentCount);
        foreach (var d in write.Data) d.Release();
    }

    [Fact]
    public void Blocks_from_a_peer_that_never_joined_are_released_with_their_credits()
    {
        var manager = StartManager();
        var stranger = CreateTestProbe();
        var credit = new DiskCredit(0);
        var data = new[] { _pool.Rent(16), _pool.Rent(16) };
        manager.Tell(new PieceManager.BlocksArrived([new PieceMessage(0, 0, data[0]), new PieceMessage(0, 16384, data[1])], credit), stranger.Ref);
        AwaitCondition(() => credit.CurrentCount == 2);
        Assert.All(data, d => Assert.True(d.IsReleased));
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Two_peers_are_given_different_blocks()
    {
        var manager = StartManager();
        var a = JoinSeeder(manager, "a");
        var b = JoinSeeder(manager, "b");
        var fromA = Ask(manager, a, 3);
        var fromB = Ask(manager, b, 3);
        Assert.Equal(3, fromA.Length);
        Assert.Equal(3, fromB.Length);
        Assert.Empty(fromA.Intersect(fromB));
    }

    [Fact]
    public void A_peer_that_drops_mid_piece_gives_its_blocks_back_at_once()
    {
        var manager = StartManager();
        var a = JoinSeeder(manager, "a");
        var b = JoinSeeder(manager, "b");
        var fromA = Ask(manager, a, 8);
        Assert.Equal(8, fromA.Length);
        Deliver(manager, a, fromA[0]);
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();

        Watch(a.Ref);
        Sys.Stop(a.Ref);
        ExpectTerminated(a.Ref);

        // Everything a had claimed but not delivered is b's to fetch now.
        AwaitAssert(() =>
        {
            var fromB = Ask(manager, b, 8);
            Assert.Equal(7, fromB.Length);
            Assert.DoesNotContain(fromA[0], fromB);
        }, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Resume_state_is_saved_one_interval_after_a_piece_is_verified_and_not_again_while_nothing_changes()
    {
        var manager = StartManager(saveInterval: TimeSpan.FromMilliseconds(400));
        var a = JoinSeeder(manager, "a");
        var blocks = Ask(manager, a, 2);
        foreach (var block in blocks) Deliver(manager, a, block);
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
        var verify = _storage.ExpectMsg<StorageActor.VerifyPiece>();
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(600)); // nothing verified yet: nothing to save

        manager.Tell(new StorageActor.PieceChecked(verify.Piece, true), _storage.Ref);
        var save = _storage.ExpectMsg<StorageActor.SaveResume>(TimeSpan.FromSeconds(3));
        Assert.True(Bitfield.FromWire(save.VerifiedBits, _layout.PieceCount)[verify.Piece]);
        // The timer was armed by the change; with nothing new it is not saved again.
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(1200));
    }

    [Fact]
    public void A_complete_piece_is_written_then_verified_and_announced_to_every_peer()
    {
        var manager = StartManager();
        var a = JoinSeeder(manager, "a");
        var b = JoinSeeder(manager, "b");
        var blocks = Ask(manager, a, 2);
        Assert.All(blocks, x => Assert.Equal(blocks[0].Piece, x.Piece));
        foreach (var block in blocks) Deliver(manager, a, block);
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
        var verify = _storage.ExpectMsg<StorageActor.VerifyPiece>();
        Assert.Equal(blocks[0].Piece, verify.Piece);

        manager.Tell(new StorageActor.PieceChecked(verify.Piece, true), _storage.Ref);
        Assert.Equal(verify.Piece, a.ExpectMsg<PieceManager.HaveBroadcast>().Piece);
        Assert.Equal(verify.Piece, b.FishForMessage<PieceManager.HaveBroadcast>(_ => true).Piece);
        var progress = _torrent.FishForMessage<PieceManager.Progress>(p => p.VerifiedPieces == 1);
        Assert.Equal(32 * 1024, progress.VerifiedBytes);
    }

    [Fact]
    public void A_corrupt_piece_is_fetched_again_and_a_peer_that_keeps_sending_bad_data_is_banned()
    {
        var manager = StartManager();
        var a = JoinSeeder(manager, "a");
        for (var round = 0; round < 2; round++)
        {
            var blocks = Ask(manager, a, 2);
            Assert.Equal(2, blocks.Length);
            foreach (var block in blocks) Deliver(manager, a, block, fill: 0xEE);
            _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
            _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
            var verify = _storage.ExpectMsg<StorageActor.VerifyPiece>();
            manager.Tell(new StorageActor.PieceChecked(verify.Piece, false), _storage.Ref);
            if (round == 0)
            {
                // The failed piece is back in the pool: the same blocks can be requested again.
                var again = Ask(manager, a, 8);
                Assert.Contains(blocks[0], again);
                manager.Tell(new PieceManager.ReleaseBlocks(again), a.Ref);
            }
        }
        // Sole contributor of two bad pieces: banned.
        a.FishForMessage<PieceManager.BanPeer>(_ => true);
        var progress = _torrent.FishForMessage<PieceManager.Progress>(p => p.HashFailures == 2);
        Assert.Equal(0, progress.VerifiedPieces);
    }

    [Fact]
    public void In_endgame_a_block_is_requested_from_two_peers_and_the_duplicate_is_cancelled_on_arrival()
    {
        var manager = StartManager();
        var a = JoinSeeder(manager, "a");
        var b = JoinSeeder(manager, "b");
        var fromA = Ask(manager, a, 8); // every block is now in transit: endgame
        Assert.Equal(8, fromA.Length);
        var fromB = Ask(manager, b, 8);
        Assert.NotEmpty(fromB);
        Assert.Subset(fromA.ToHashSet(), fromB.ToHashSet());

        Deliver(manager, a, fromB[0]);
        Assert.Equal(fromB[0], b.FishForMessage<PieceManager.CancelBlock>(_ => true).Block);
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();

        // The late duplicate from b is dropped, not written twice.
        Deliver(manager, b, fromB[0]);
        _storage.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_peer_with_nothing_we_lack_is_not_interesting()
    {
        var verified = new Bitfield(_layout.PieceCount);
        verified[0] = true;
        var manager = StartManager(verified);
        var peer = CreateTestProbe();
        manager.Tell(new PieceManager.PeerJoined(PeerId.CreateOurs(), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0." + (++_nextAddress)), 6881)), peer.Ref);
        Assert.True(peer.ExpectMsg<PieceManager.Welcome>().Have[0]);
        manager.Tell(new PieceManager.PeerHave(0), peer.Ref);
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        manager.Tell(new PieceManager.PeerHave(2), peer.Ref);
        Assert.True(peer.ExpectMsg<PieceManager.Interest>().Interested);
    }

    [Fact]
    public void Smart_ban_bans_only_the_peer_whose_block_differs_from_the_copy_that_passed()
    {
        var manager = StartManager();
        var honest = JoinSeeder(manager, "honest");
        var liar = JoinSeeder(manager, "liar");
        var fromHonest = Ask(manager, honest, 1);
        var fromLiar = Ask(manager, liar, 1);
        Assert.Equal(fromHonest[0].Piece, fromLiar[0].Piece); // the started piece is finished first
        var piece = fromHonest[0].Piece;
        Deliver(manager, honest, fromHonest[0], fill: 1);
        Deliver(manager, liar, fromLiar[0], fill: 0xEE);
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
        Assert.False(_storage.ExpectMsg<StorageActor.VerifyPiece>().WantDigests);
        UInt128 good0 = 10, good1 = 11, bad = 99;
        var (honestBlock, liarBlock) = (fromHonest[0].BlockIndex, fromLiar[0].BlockIndex);
        var failed = new UInt128[2];
        failed[honestBlock] = honestBlock == 0 ? good0 : good1;
        failed[liarBlock] = bad;
        manager.Tell(new StorageActor.PieceChecked(piece, false) { BlockDigests = failed }, _storage.Ref);
        _torrent.FishForMessage<PieceManager.Progress>(p => p.HashFailures == 1);

        // The piece again, this time from the honest seeder alone: it passes, and its digests convict the liar.
        var all = Ask(manager, honest, 8);
        var again = all.Where(b => b.Piece == piece).ToArray();
        Assert.Equal(2, again.Length);
        foreach (var b in again) Deliver(manager, honest, b);
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
        _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
        Assert.True(_storage.ExpectMsg<StorageActor.VerifyPiece>().WantDigests);
        manager.Tell(new StorageActor.PieceChecked(piece, true) { BlockDigests = [good0, good1] }, _storage.Ref);

        Assert.Contains("differ from the copy that passed", liar.FishForMessage<PieceManager.BanPeer>(_ => true).Reason);
        var ban = _torrent.FishForMessage<PieceManager.BanAddress>(_ => true);
        Assert.Equal(System.Net.IPAddress.Parse("10.0.0.2"), ban.Key.Address);
        Assert.Equal(0, ban.Key.Port); // the whole address
        honest.FishForMessage<PieceManager.HaveBroadcast>(_ => true);
        honest.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_piece_that_could_not_be_checked_blames_nobody_and_is_not_a_hash_failure()
    {
        var manager = StartManager();
        var a = JoinSeeder(manager, "a");
        for (var round = 0; round < 3; round++)
        {
            var blocks = Ask(manager, a, 2);
            foreach (var block in blocks) Deliver(manager, a, block);
            _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
            _storage.ExpectMsg<StorageActor.WriteBlock>().Data.Release();
            var verify = _storage.ExpectMsg<StorageActor.VerifyPiece>();
            manager.Tell(new StorageActor.PieceChecked(verify.Piece, false) { NotChecked = true }, _storage.Ref);
            manager.Tell(new PieceManager.ReleaseBlocks(Ask(manager, a, 8)), a.Ref); // the piece is wanted again
        }
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // no ban
        var told = _torrent.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m);
        Assert.DoesNotContain(told, m => m is PieceManager.BanAddress);
        Assert.All(told.OfType<PieceManager.Progress>(), p => Assert.Equal(0, p.HashFailures));
    }

    [Fact]
    public void An_ask_that_rides_on_a_delivery_is_answered_after_the_arrivals_are_recorded()
    {
        var manager = StartManager();
        var a = JoinSeeder(manager, "a");
        var first = Ask(manager, a, 2); // the first piece's two blocks
        PieceMessage Message(BlockRequest b) => new(b.Piece, b.Offset, _pool.Rent(b.Length));
        manager.Tell(new PieceManager.BlocksArrived([Message(first[0]), Message(first[1])], new DiskCredit(0)) { AskFor = 8 }, a.Ref);
        var write = _storage.ExpectMsg<StorageActor.WriteBlocks>();
        // One message for both: the blocks written, and six more assigned — none of them the two that just arrived.
        var assigned = a.ExpectMsg<PieceManager.BlocksAssigned>().Blocks;
        Assert.Equal(6, assigned.Length);
        Assert.DoesNotContain(assigned, b => first.Contains(b));
        foreach (var d in write.Data) d.Release();
    }

    [Fact]
    public void With_the_disk_queue_shared_accepted_blocks_go_into_it_not_to_the_storage_actor_and_the_verification_follows_them()
    {
        var disk = new DiskQueue();
        var manager = _torrent.ChildActorOf(PieceManager.Props(Engine.Core.Primitives.InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567"), _layout,
            new Bitfield(_layout.PieceCount), _storage.Ref, seed: 7, disk: disk));
        var a = JoinSeeder(manager, "a");
        var blocks = Ask(manager, a, 8).OrderBy(b => b.Piece).ThenBy(b => b.Offset).Take(2).ToArray(); // the first piece's two blocks
        var credit = new DiskCredit(0);
        manager.Tell(new PieceManager.BlocksArrived([.. blocks.Select(b => new PieceMessage(b.Piece, b.Offset, _pool.Rent(b.Length)))], credit), a.Ref);
        // The storage actor is told only the verification; the write was in the queue before it.
        Assert.Equal(blocks[0].Piece, _storage.ExpectMsg<StorageActor.VerifyPiece>().Piece);
        Assert.True(disk.Reader.TryRead(out var queued));
        var write = Assert.IsType<StorageActor.WriteBlocks>(queued);
        Assert.Equal(blocks, write.Blocks);
        foreach (var d in write.Data) d.Release();
        // Once the worker has stopped, a write is refused and its buffers and credits are given back at once.
        disk.Complete();
        var late = _pool.Rent(16384);
        Assert.False(disk.TryWrite(new StorageActor.WriteBlocks([blocks[0]], [late], credit)));
        Assert.True(late.IsReleased);
        Assert.Equal(1, credit.CurrentCount);
    }
}
