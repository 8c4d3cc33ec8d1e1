using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Runtime;
using Engine.Tests.Support;

namespace Engine.Tests.Hosting;

/// <summary>The listener and the routing of incoming connections by info-hash, with connection limits.</summary>
public sealed class IncomingConnectionTests : IAsyncLifetime
{
    private readonly GeneratedTorrent _data = GeneratedTorrent.Create("incoming", [("data.bin", 300_000)], 32 * 1024, seed: 21);
    private readonly GeneratedTorrent _other = GeneratedTorrent.Create("incoming-other", [("data.bin", 100_000)], 32 * 1024, seed: 22);
    private EngineNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await EngineNode.StartAsync("incoming", _data.Metainfo, _data.SeedDirectory, _data.Root,
            configure: o => o with { MaxConnections = 3, PeerManager = o.PeerManager with { MaxConnections = 2 } });
        await _node.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task A_handshake_for_our_torrent_is_answered_and_followed_by_what_we_have()
    {
        var (peer, theirs) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _data.Metainfo.InfoHash);
        await using var _ = peer;
        Assert.Equal(_data.Metainfo.InfoHash, theirs.InfoHash);
        Assert.Equal(_node.Engine.Context.OurId, theirs.PeerId);
        Assert.True(theirs.SupportsFast);
        Assert.IsType<HaveAll>(await peer.ReceiveAsync<HaveAll>());
        await peer.BecomeUnchokedAsync();
        await peer.FetchAndCheckAsync(_data.Metainfo.Layout, _data.Metainfo.Layout.Block(3, 1), File.ReadAllBytes(Path.Combine(_data.SeedDirectory, "incoming", "data.bin")));
    }

    [Fact]
    public async Task A_handshake_for_an_unknown_torrent_is_closed_without_an_answer()
    {
        await using var peer = await ScriptedPeer.ConnectAsync(_node.EndPoint);
        await peer.SendHandshakeAsync(_other.Metainfo.InfoHash);
        await Assert.ThrowsAnyAsync<Exception>(() => peer.ReceiveHandshakeAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_peer_that_connects_again_under_the_same_id_replaces_its_first_connection()
    {
        // It dials again only when it has given up on the first (gone silent on its side): refusing the new one would
        // leave it without a connection until ours timed out too.
        var (first, _) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _data.Metainfo.InfoHash);
        await using var a = first;
        await first.ReceiveAsync<HaveAll>();
        var (second, theirs) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _data.Metainfo.InfoHash, id: first.Id);
        await using var b = second;
        Assert.Equal(_node.Engine.Context.OurId, theirs.PeerId);
        Assert.True(await first.WaitClosedAsync(TimeSpan.FromSeconds(5)), "the first connection was kept");
        Assert.IsType<HaveAll>(await second.ReceiveAsync<HaveAll>());
        Assert.False(await second.WaitClosedAsync(TimeSpan.FromSeconds(1)), "the new connection was closed");
    }

    [Fact]
    public async Task A_connection_from_ourselves_is_closed()
    {
        await using var peer = await ScriptedPeer.ConnectAsync(_node.EndPoint);
        peer.Id = _node.Engine.Context.OurId;
        await peer.SendHandshakeAsync(_data.Metainfo.InfoHash);
        await Assert.ThrowsAnyAsync<Exception>(() => peer.ReceiveHandshakeAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Garbage_instead_of_a_handshake_is_closed()
    {
        await using var peer = await ScriptedPeer.ConnectAsync(_node.EndPoint);
        await peer.SendRawAsync(new byte[68]);
        Assert.True(await peer.WaitClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_second_connection_from_the_same_peer_id_at_another_address_is_closed_and_the_first_keeps_working()
    {
        // A peer id is no secret (trackers may hand it out): from another address it must not take the connection over.
        var id = PeerId.FromBytes("-TS0001-same-peer-id"u8);
        var (first, _) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _data.Metainfo.InfoHash, id);
        await using var a = first;
        await first.ReceiveAsync<HaveAll>();
        var (second, closed) = await ScriptedLeecher.ConnectExpectingCloseAsync(_node.EndPoint, _data.Metainfo.InfoHash, TimeSpan.FromSeconds(5), id,
            from: System.Net.IPAddress.Parse("127.0.0.2"));
        await using var b = second;
        Assert.True(closed, "the second connection from one peer id was kept");
        await first.BecomeUnchokedAsync();
        await first.FetchAndCheckAsync(_data.Metainfo.Layout, _data.Metainfo.Layout.Block(0, 0), File.ReadAllBytes(Path.Combine(_data.SeedDirectory, "incoming", "data.bin")));
    }

    [Fact]
    public async Task Connections_beyond_the_torrent_limit_and_the_engine_limit_are_closed()
    {
        // The torrent takes 2 connections; the engine 3 over all its torrents.
        var otherTorrent = await _node.Engine.AddAsync(_other.Metainfo, _other.SeedDirectory);
        try
        {
            var open = new List<ScriptedPeer>();
            try
            {
                for (var i = 0; i < 2; i++)
                {
                    var (p, _) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _data.Metainfo.InfoHash);
                    open.Add(p);
                    await p.ReceiveAsync<HaveAll>();
                }
                var (overTorrent, closed) = await ScriptedLeecher.ConnectExpectingCloseAsync(_node.EndPoint, _data.Metainfo.InfoHash, TimeSpan.FromSeconds(5));
                open.Add(overTorrent);
                Assert.True(closed, "a third connection to one torrent was kept");

                // The other torrent has room of its own, but the engine has one connection left.
                await WaitSeeding(otherTorrent);
                var (third, _) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _other.Metainfo.InfoHash);
                open.Add(third);
                await third.ReceiveAsync<HaveAll>();
                var (overEngine, closedByEngine) = await ScriptedLeecher.ConnectExpectingCloseAsync(_node.EndPoint, _other.Metainfo.InfoHash, TimeSpan.FromSeconds(5));
                open.Add(overEngine);
                Assert.True(closedByEngine, "a fourth connection to the engine was kept");
                Assert.Equal(3, _node.Engine.Context.Connections.InUse);

                // A slot freed anywhere is usable by any torrent.
                await open[0].DisposeAsync();
                await AwaitAsync(() => _node.Engine.Context.Connections.InUse == 2);
                var (again, _) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _other.Metainfo.InfoHash);
                open.Add(again);
                await again.ReceiveAsync<HaveAll>();
            }
            finally
            {
                foreach (var p in open) await p.DisposeAsync();
            }
        }
        finally { await EngineSystem.StopAsync(otherTorrent); }
    }

    private static async Task WaitSeeding(Akka.Actor.IActorRef torrent)
    {
        for (var i = 0; i < 100 && (await EngineSystem.StatusAsync(torrent)).State != TorrentState.Seeding; i++) await Task.Delay(50);
    }

    private static async Task AwaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition());
    }
}
