using System.Buffers.Binary;
using Akka.Actor;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Peers;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Hostile;

/// <summary>
/// Framing and validation violations from a hostile peer while an honest one downloads from the same seed: each bad
/// peer is dropped (banned where the violation is deliberate), the honest one is served throughout, and the blocks the
/// engine holds go back to its pool (memory stays bounded). A flood of violating connections keeps the ban list bounded.
/// </summary>
public sealed class ProtocolViolationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly GeneratedTorrent _data = GeneratedTorrent.Create("violations", [("data.bin", 512 * 1024)], 32 * 1024, seed: 44);
    private EngineNode _node = null!;
    private byte[] _content = null!;
    private ScriptedPeer _honest = null!;

    private TorrentLayout Layout => _data.Metainfo.Layout;

    public async Task InitializeAsync()
    {
        _node = await EngineNode.StartAsync("violations", _data.Metainfo, _data.SeedDirectory, _data.Root,
            configure: o => o with { PeerManager = o.PeerManager with { BanCapacity = 500 } });
        await _node.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        _content = File.ReadAllBytes(Path.Combine(_data.SeedDirectory, "violations", "data.bin"));
        (_honest, _) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _data.Metainfo.InfoHash);
        await _honest.BecomeUnchokedAsync();
    }

    public async Task DisposeAsync()
    {
        await _honest.DisposeAsync();
        await _node.DisposeAsync();
        _data.Dispose();
    }

    public enum Attack
    {
        FrameOf2GiB, HaveOutOfRange, BitfieldTooShort, PieceNeverRequested, RequestPastTheEnd, RequestOf1MiB,
        FiveHundredRequests, FastMessageWithoutFast, GarbageExtensionHandshake, TenThousandKeepAlives, UnknownMessageIds,
    }

    [Theory]
    [InlineData(Attack.FrameOf2GiB, true)]
    [InlineData(Attack.HaveOutOfRange, true)]
    [InlineData(Attack.BitfieldTooShort, true)]
    [InlineData(Attack.PieceNeverRequested, false)]
    [InlineData(Attack.RequestPastTheEnd, true)]
    [InlineData(Attack.RequestOf1MiB, true)]
    [InlineData(Attack.FiveHundredRequests, true)]
    [InlineData(Attack.FastMessageWithoutFast, true)]
    [InlineData(Attack.GarbageExtensionHandshake, false)]
    [InlineData(Attack.TenThousandKeepAlives, false)]
    [InlineData(Attack.UnknownMessageIds, false)]
    public async Task A_violating_peer_is_dropped_or_ignored_and_the_honest_peer_is_served_throughout(Attack attack, bool dropped)
    {
        var (bad, _) = await ConnectAsync(fast: attack != Attack.FastMessageWithoutFast);
        await using var _ = bad;
        await bad.ReceiveAsync<PeerMessage>(TimeSpan.FromSeconds(5)); // the engine's bitfield / have-all
        await bad.SendRawAsync(Bytes(attack));
        var closed = await bad.WaitClosedAsync(TimeSpan.FromSeconds(dropped ? 5 : 1));
        output.WriteLine($"{attack}: closed {closed}");
        Assert.Equal(dropped, closed);
        for (var piece = 0; piece < 4; piece++) await _honest.FetchAndCheckAsync(Layout, Layout.Block(piece, 1), _content);
        // Every block the engine read for uploads or received went back to its pool.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_node.Engine.Context.Pool.Outstanding > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, _node.Engine.Context.Pool.Outstanding);
    }

    /// <summary>Connects and handshakes; with <paramref name="usedPorts"/>, from a source port not in it (then added).</summary>
    private async Task<(ScriptedPeer Peer, Handshake Theirs)> ConnectAsync(bool fast = true, HashSet<int>? usedPorts = null)
    {
        var peer = await ScriptedPeer.ConnectAsync(_node.EndPoint);
        for (var attempt = 0; usedPorts is not null && !usedPorts.Add(peer.EndPoint.Port); attempt++)
        {
            await peer.DisposeAsync();
            if (attempt == 50) throw new InvalidOperationException("the OS kept handing out source ports used before");
            peer = await ScriptedPeer.ConnectAsync(_node.EndPoint);
        }
        await peer.SendHandshakeAsync(_data.Metainfo.InfoHash, fast: fast, extensions: true);
        return (peer, await peer.ReceiveHandshakeAsync());
    }

    private byte[] Bytes(Attack attack)
    {
        switch (attack)
        {
            case Attack.FrameOf2GiB:
                var huge = new byte[5];
                BinaryPrimitives.WriteInt32BigEndian(huge, int.MaxValue);
                huge[4] = (byte)MessageId.Piece;
                return huge;
            case Attack.HaveOutOfRange: return MessageWriter.Encode(new Have(Layout.PieceCount + 5));
            case Attack.BitfieldTooShort: return MessageWriter.Encode(new BitfieldMessage([0xFF]));
            case Attack.PieceNeverRequested:
                var piece = new byte[13 + 16384];
                BinaryPrimitives.WriteInt32BigEndian(piece, 9 + 16384);
                piece[4] = (byte)MessageId.Piece;
                return [.. MessageWriter.Encode(Interested.Instance), .. piece, .. piece];
            case Attack.RequestPastTheEnd: return [.. MessageWriter.Encode(Interested.Instance), .. MessageWriter.Encode(new Request(Layout.PieceCount - 1, 32 * 1024 - 100, 16384))];
            case Attack.RequestOf1MiB: return MessageWriter.Encode(new Request(0, 0, 1024 * 1024));
            case Attack.FiveHundredRequests:
                var requests = new List<byte>(MessageWriter.Encode(Interested.Instance));
                for (var i = 0; i < 600; i++) requests.AddRange(MessageWriter.Encode(new Request(i % Layout.PieceCount, 0, 16384)));
                return [.. requests];
            case Attack.FastMessageWithoutFast: return MessageWriter.Encode(HaveAll.Instance);
            case Attack.GarbageExtensionHandshake: return MessageWriter.Encode(new Extended(0, "d1:mi5ee:garbage"u8.ToArray()));
            case Attack.TenThousandKeepAlives: return new byte[4 * 10_000];
            case Attack.UnknownMessageIds:
                var unknown = new List<byte>();
                // 21-23 are BEP 52's hash messages, strict about their length: the unknown ids start after them.
                for (var id = 24; id < 120; id++) unknown.AddRange(new byte[] { 0, 0, 0, 3, (byte)id, 1, 2 });
                return [.. unknown];
            default: throw new ArgumentOutOfRangeException(nameof(attack));
        }
    }

    [Fact]
    public async Task A_flood_of_violating_connections_keeps_the_ban_list_bounded_and_the_honest_peer_served()
    {
        var peers = _node.Engine.System.ActorSelection(_node.Torrent.Path / "peers");
        var usedPorts = new HashSet<int>();
        for (var i = 0; i < 1500; i++)
        {
            // Bans are by address and port here: a source port the OS hands out again would be refused as banned.
            var (bad, _) = await ConnectAsync(usedPorts: usedPorts);
            await using var _ = bad;
            await bad.SendRawAsync(MessageWriter.Encode(new Have(Layout.PieceCount + 1)));
            await bad.WaitClosedAsync(TimeSpan.FromSeconds(5));
        }
        var count = await peers.Ask<PeerManager.ConnectionCount>(new PeerManager.GetConnectionCount(), TimeSpan.FromSeconds(5));
        output.WriteLine($"bans held after 1500 violating connections: {count.Bans}");
        Assert.InRange(count.Bans, 400, 500); // each was banned (by address and port on 127.0.0.1), within the list's bound
        await _honest.FetchAndCheckAsync(Layout, Layout.Block(3, 0), _content);
    }
}
