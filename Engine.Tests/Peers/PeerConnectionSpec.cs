using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Akka.TestKit;
using Engine.Core.Buffers;
using Engine.Core.Peers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Pieces;
using Engine.Tests.Support;

namespace Engine.Tests.Peers;

/// <summary>
/// A PeerConnection dialling a scripted remote peer over loopback, with probes standing in for the
/// PieceManager, storage and the PeerManager (its parent). Timers run on the TestScheduler (virtual time).
/// </summary>
public sealed class PeerConnectionSpec : TestKit
{
    private static readonly Config VirtualTime = ConfigurationFactory.ParseString(
        "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"");

    private readonly TorrentLayout _layout = new(10 * 32 * 1024, 32 * 1024);
    private readonly InfoHash _infoHash = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");
    private readonly TestProbe _pieces;
    private readonly TestProbe _storage;
    private readonly TestProbe _manager;
    private PeerSettings _settings = new();

    public PeerConnectionSpec() : base(VirtualTime)
    {
        _pieces = CreateTestProbe("pieces");
        _storage = CreateTestProbe("storage");
        _manager = CreateTestProbe("manager");
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private SwarmContext Context() => new(_infoHash, PeerId.CreateOurs(), _layout, _pieces.Ref, _storage.Ref, new BlockPool(64), _settings, 6881);

    /// <summary>Starts a connection to a scripted peer and completes both handshakes.</summary>
    private async Task<(IActorRef Connection, ScriptedPeer Remote)> Connect()
    {
        var remote = ScriptedPeer.Listen();
        var connection = _manager.ChildActorOf(PeerConnection.Outgoing(Context(), remote.EndPoint));
        await remote.AcceptAsync();
        var theirs = await remote.ReceiveHandshakeAsync();
        Assert.Equal(_infoHash, theirs.InfoHash);
        Assert.True(theirs.SupportsFast);
        await remote.SendHandshakeAsync(_infoHash, fast: true);
        _pieces.ExpectMsg<PieceManager.PeerJoined>();
        _manager.ExpectMsg<PeerManager.PeerHandshaked>();
        return (connection, remote);
    }

    /// <summary>Starts a connection to a scripted peer, watched, which takes it and reads our handshake; the rest is the test's.</summary>
    private async Task<(IActorRef Connection, ScriptedPeer Remote)> DialAndReadOurHandshake()
    {
        var remote = ScriptedPeer.Listen();
        var connection = _manager.ChildActorOf(PeerConnection.Outgoing(Context(), remote.EndPoint));
        Watch(connection);
        await remote.AcceptAsync();
        await remote.ReceiveHandshakeAsync();
        return (connection, remote);
    }

    [Fact]
    public async Task A_seeder_that_unchokes_us_receives_the_requests_the_piece_manager_assigns()
    {
        var (connection, remote) = await Connect();
        await using var _ = remote;
        _pieces.Reply(new PieceManager.Welcome(new Bitfield(_layout.PieceCount)));
        Assert.IsType<HaveNone>(await remote.ReceiveAsync<HaveNone>());

        await remote.SendAsync(HaveAll.Instance);
        _pieces.ExpectMsg<PieceManager.PeerHaveAll>();
        _pieces.Reply(new PieceManager.Interest(true));
        await remote.ReceiveAsync<Interested>();

        await remote.SendAsync(Unchoke.Instance);
        var ask = _pieces.ExpectMsg<PieceManager.RequestBlocks>();
        Assert.Equal(RequestPipeline.InitialDepth, ask.Max);
        BlockRequest[] blocks = [_layout.Block(3, 0), _layout.Block(3, 1)];
        _pieces.Reply(new PieceManager.BlocksAssigned(blocks));
        Assert.Equal(blocks[0], (await remote.ReceiveAsync<Request>()).Block);
        Assert.Equal(blocks[1], (await remote.ReceiveAsync<Request>()).Block);

        var payload = new BlockPool(4).Rent(blocks[0].Length);
        payload.Span.Fill(0x5A);
        await remote.SendAsync(new PieceMessage(3, 0, payload));
        var arrived = _pieces.FishForMessage<PieceManager.BlockArrived>(_ => true);
        Assert.Equal(blocks[0], arrived.Block.Block);
        Assert.True(arrived.Block.Data.Span.ToArray().All(b => b == 0x5A));
        arrived.Block.Data.Release();
        Sys.Stop(connection);
    }

    [Fact]
    public async Task The_blocks_of_one_read_reach_the_piece_manager_in_one_message_after_the_reads_other_messages()
    {
        var (connection, remote) = await Connect();
        await using var _ = remote;
        _pieces.Reply(new PieceManager.Welcome(new Bitfield(_layout.PieceCount)));
        await remote.ReceiveAsync<HaveNone>();
        await remote.SendAsync(HaveAll.Instance);
        _pieces.ExpectMsg<PieceManager.PeerHaveAll>();
        _pieces.Reply(new PieceManager.Interest(true));
        await remote.ReceiveAsync<Interested>();
        await remote.SendAsync(Unchoke.Instance);
        _pieces.ExpectMsg<PieceManager.RequestBlocks>();
        BlockRequest[] blocks = [_layout.Block(3, 0), _layout.Block(3, 1), _layout.Block(4, 0)];
        var rejected = _layout.Block(4, 1);
        _pieces.Reply(new PieceManager.BlocksAssigned([.. blocks, rejected]));
        foreach (var b in blocks.Append(rejected)) Assert.Equal(b, (await remote.ReceiveAsync<Request>()).Block);

        // What the inbound child tells for one read holding two blocks, a reject, an unrequested block and a third block.
        var pool = new BlockPool(8);
        PieceMessage Block(BlockRequest b, byte fill)
        {
            var data = pool.Rent(b.Length);
            data.Span.Fill(fill);
            return new PieceMessage(b.Piece, b.Offset, data);
        }
        var stray = Block(_layout.Block(5, 0), 9);
        connection.Tell(new PeerInbound.Received([Block(blocks[0], 1), Block(blocks[1], 2), new Reject(rejected.Piece, rejected.Offset, rejected.Length), stray, Block(blocks[2], 3)]));
        Assert.Equal([rejected], _pieces.ExpectMsg<PieceManager.ReleaseBlocks>().Blocks);
        var arrived = _pieces.FishForMessage<PieceManager.BlocksArrived>(_ => true);
        Assert.Equal(blocks, arrived.Blocks.Select(b => b.Block));
        Assert.Equal(new byte[] { 1, 2, 3 }, arrived.Blocks.Select(b => b.Data.Span[0]));
        Assert.True(stray.Data.IsReleased);
        foreach (var b in arrived.Blocks) b.Data.Release();
        Sys.Stop(connection);
    }

    [Fact]
    public async Task A_bitfield_with_spare_bits_set_drops_and_bans_the_peer()
    {
        var (connection, remote) = await Connect();
        await using var _ = remote;
        Watch(connection);
        // 10 pieces: 2 bytes, the last 6 bits are spare and must be zero.
        await remote.SendAsync(new BitfieldMessage([0xFF, 0xFF]));
        ExpectTerminated(connection);
        var gone = _manager.FishForMessage<PeerManager.PeerDisconnected>(_ => true);
        Assert.True(gone.Banned);
        Assert.Contains("BitfieldSpareBits", gone.Reason);
        Assert.True(await remote.WaitClosedAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>
    /// BiglyBT 3.2, dialled again at once, sometimes writes its bitfield and extension handshake before its handshake. That
    /// is no BitTorrent connection, but no reason to ban the peer either: the dial failed, and is tried again later.
    /// </summary>
    [Fact]
    public async Task A_peer_whose_messages_come_before_its_handshake_is_dropped_as_a_failed_dial_not_banned()
    {
        var (connection, remote) = await DialAndReadOurHandshake();
        await using var _ = remote;
        await remote.SendAsync(new BitfieldMessage([0xFF, 0xC0]));
        await remote.SendHandshakeAsync(_infoHash, fast: true);
        ExpectTerminated(connection);
        var gone = _manager.FishForMessage<PeerManager.PeerDisconnected>(_ => true);
        Assert.True(gone.Failed);
        Assert.False(gone.Banned);
        Assert.Contains("BadHandshake", gone.Reason);
    }

    [Fact]
    public async Task A_keep_alive_goes_out_after_two_minutes_without_sending()
    {
        _settings = _settings with { SilenceTimeout = TimeSpan.FromMinutes(10) }; // only our own keep-alive is under test
        var (connection, remote) = await Connect();
        await using var _ = remote;
        _pieces.Reply(new PieceManager.Welcome(new Bitfield(_layout.PieceCount)));
        await remote.ReceiveAsync<HaveNone>();
        // The outbound actor records the send time when its loop reports the batch sent: let that happen at t=0.
        await Task.Delay(300);

        // Step the virtual clock one timer period at a time (the test scheduler fires a periodic timer once per advance).
        for (var i = 0; i < 11; i++) Clock.Advance(TimeSpan.FromSeconds(10));
        var none = await remote.ReceiveAsync(TimeSpan.FromMilliseconds(300)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
        Assert.Null(none);

        for (var i = 0; i < 2; i++) Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.IsType<KeepAlive>(await remote.ReceiveAsync(TimeSpan.FromSeconds(5)));
        Sys.Stop(connection);
    }

    [Fact]
    public async Task A_peer_silent_for_two_minutes_is_dropped()
    {
        var (connection, remote) = await Connect();
        await using var _ = remote;
        Watch(connection);
        for (var i = 0; i < 119; i++) Clock.Advance(TimeSpan.FromSeconds(1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 3; i++) Clock.Advance(TimeSpan.FromSeconds(1));
        ExpectTerminated(connection, TimeSpan.FromSeconds(5));
        var gone = _manager.FishForMessage<PeerManager.PeerDisconnected>(_ => true);
        Assert.StartsWith("silent", gone.Reason);
        Assert.True(await remote.WaitClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_peer_that_answers_with_the_wrong_info_hash_is_dropped()
    {
        var (connection, remote) = await DialAndReadOurHandshake();
        await using var _ = remote;
        await remote.SendHandshakeAsync(InfoHash.FromHex("ffffffffffffffffffffffffffffffffffffffff"));
        ExpectTerminated(connection);
        Assert.True(_manager.FishForMessage<PeerManager.PeerDisconnected>(_ => true).Failed);
    }

    [Fact]
    public void A_peer_that_cannot_be_reached_is_reported_failed()
    {
        var port = FreePorts.Tcp(1)[0];
        var connection = _manager.ChildActorOf(PeerConnection.Outgoing(Context(), new IPEndPoint(IPAddress.Loopback, port)));
        Watch(connection);
        ExpectTerminated(connection, TimeSpan.FromSeconds(10));
        var gone = _manager.FishForMessage<PeerManager.PeerDisconnected>(_ => true);
        Assert.True(gone.Failed);
        Assert.StartsWith("connect failed", gone.Reason);
    }
}
