using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Peers;
using Engine.Tests.Lab;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Hostile;

/// <summary>
/// Floods of connections against a seeding engine — slowloris handshakes, garbage, idle handshaked connections from one
/// host or from many — while an honest peer still gets in and is served.
/// </summary>
public sealed class ConnectionFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly GeneratedTorrent _data = GeneratedTorrent.Create("flood", [("data.bin", 512 * 1024)], 32 * 1024, seed: 33);
    private readonly List<Socket> _sockets = new();
    private readonly List<ScriptedPeer> _peers = new();
    private EngineNode _node = null!;
    private byte[] _content = null!;

    private Task StartAsync(int maxConnections = 50, TimeSpan? idleTurnover = null) => StartAsync(o => o with
    {
        PeerManager = o.PeerManager with { MaxConnections = maxConnections, IdleTurnover = idleTurnover ?? TimeSpan.FromSeconds(60) },
    });

    private async Task StartAsync(Func<Engine.Runtime.EngineOptions, Engine.Runtime.EngineOptions> configure)
    {
        _node = await EngineNode.StartAsync("flood", _data.Metainfo, _data.SeedDirectory, _data.Root, configure: configure);
        await _node.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        _content = File.ReadAllBytes(Path.Combine(_data.SeedDirectory, "flood", "data.bin"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _sockets) s.Dispose();
        foreach (var p in _peers) await p.DisposeAsync();
        if (_node is not null) await _node.DisposeAsync();
        _data.Dispose();
    }

    private async Task<Socket> RawAsync(IPAddress from, byte[] send)
    {
        var s = await LoopbackLab.ConnectFromAsync(from, _node.EndPoint);
        _sockets.Add(s);
        if (send.Length > 0) await s.SendAsync(send);
        return s;
    }

    /// <summary>True when the engine closes <paramref name="s"/> within <paramref name="timeout"/>.</summary>
    private static async Task<bool> ClosedWithinAsync(Socket s, TimeSpan timeout)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
                if (await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0) return true;
        }
        catch (OperationCanceledException) { return false; }
        catch (SocketException) { return true; }
    }

    /// <summary>An honest peer from <paramref name="from"/>: handshake, unchoke, one block checked. Returns how long it took.</summary>
    private async Task<TimeSpan> HonestPeerIsServedAsync(IPAddress? from = null)
    {
        var clock = Stopwatch.StartNew();
        var (peer, _) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _data.Metainfo.InfoHash, from: from);
        _peers.Add(peer);
        await peer.BecomeUnchokedAsync();
        await peer.FetchAndCheckAsync(_data.Metainfo.Layout, _data.Metainfo.Layout.Block(5, 0), _content);
        return clock.Elapsed;
    }

    [Fact]
    public async Task Garbage_is_closed_at_its_first_wrong_byte_not_at_the_handshake_deadline()
    {
        await StartAsync();
        var clock = Stopwatch.StartNew();
        var http = await RawAsync(IPAddress.Loopback, Encoding.ASCII.GetBytes("GET /announce HTTP/1.1\r\n"));
        Assert.True(await ClosedWithinAsync(http, TimeSpan.FromSeconds(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"closed after {clock.Elapsed}");
        var almost = await RawAsync(IPAddress.Loopback, Encoding.ASCII.GetBytes("\u0013BitTorrent protocoX"));
        Assert.True(await ClosedWithinAsync(almost, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task A_slowloris_holding_every_handshake_place_does_not_keep_an_honest_peer_out()
    {
        await StartAsync();
        // 64 connections that send one byte of a handshake and wait: every place in the handshake queue.
        for (var i = 0; i < PeerListener.MaxPendingHandshakes; i++) await RawAsync(IPAddress.Loopback, [19]);
        await Task.Delay(300);
        var took = await HonestPeerIsServedAsync();
        output.WriteLine($"honest peer served after {took.TotalMilliseconds:0} ms");
        Assert.True(took < TimeSpan.FromSeconds(8), $"took {took}");
        // The straggler that waited longest was evicted to make room.
        Assert.True(await ClosedWithinAsync(_sockets[0], TimeSpan.FromSeconds(1)));
        Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}");
    }

    [Fact]
    public async Task One_host_may_keep_only_a_few_connections_waiting_for_their_handshake()
    {
        await StartAsync();
        var attacker = LoopbackLab.NewHost();
        var waiting = new List<Socket>();
        for (var i = 0; i < 10; i++) waiting.Add(await RawAsync(attacker, [19]));
        var closed = 0;
        foreach (var s in waiting) if (await ClosedWithinAsync(s, TimeSpan.FromMilliseconds(300))) closed++;
        Assert.Equal(10 - Engine.Core.Peers.HandshakeQueue.DefaultMaxPerHost, closed);
        await HonestPeerIsServedAsync(LoopbackLab.NewHost());
    }

    [Fact]
    public async Task Idle_handshaked_connections_from_one_host_get_one_slot_and_honest_peers_the_rest()
    {
        await StartAsync(maxConnections: 5);
        var attacker = LoopbackLab.NewHost();
        var kept = 0;
        for (var i = 0; i < 10; i++)
        {
            var (peer, closed) = await ScriptedLeecher.ConnectExpectingCloseAsync(_node.EndPoint, _data.Metainfo.InfoHash, TimeSpan.FromMilliseconds(500), from: attacker);
            _peers.Add(peer);
            if (!closed) kept++;
        }
        Assert.Equal(1, kept);
        for (var i = 0; i < 4; i++) await HonestPeerIsServedAsync(LoopbackLab.NewHost());
    }

    [Fact]
    public async Task When_every_slot_is_held_by_idle_peers_a_newcomer_takes_the_place_of_the_one_idle_longest()
    {
        await StartAsync(maxConnections: 4, idleTurnover: TimeSpan.FromSeconds(2));
        var idle = new List<ScriptedPeer>();
        foreach (var host in LoopbackLab.NewHosts(4))
        {
            var (peer, _) = await ScriptedLeecher.ConnectAsync(_node.EndPoint, _data.Metainfo.InfoHash, from: host);
            _peers.Add(peer);
            idle.Add(peer);
            await peer.SendAsync(KeepAlive.Instance);
        }
        // Full: a newcomer is refused while nobody has been idle long enough.
        var (early, refused) = await ScriptedLeecher.ConnectExpectingCloseAsync(_node.EndPoint, _data.Metainfo.InfoHash, TimeSpan.FromSeconds(1), from: LoopbackLab.NewHost());
        _peers.Add(early);
        Assert.True(refused, "a newcomer got in while every peer was active");
        await Task.Delay(2500);
        foreach (var p in idle) await p.SendAsync(KeepAlive.Instance); // keep-alives do not count as activity
        var took = await HonestPeerIsServedAsync(LoopbackLab.NewHost());
        output.WriteLine($"newcomer served after {took.TotalMilliseconds:0} ms");
        var dropped = 0;
        foreach (var p in idle) if (await p.WaitClosedAsync(TimeSpan.FromMilliseconds(500))) dropped++;
        Assert.Equal(1, dropped);
    }

    /// <summary>Encrypted handshakes accepted, as the public options do by default.</summary>
    private static Engine.Runtime.EngineOptions AcceptingMse(Engine.Runtime.EngineOptions o) =>
        o with { Encryption = new Engine.Transports.MsePolicy(true, true, Engine.Core.Encryption.MseCrypto.None, false) };

    [Fact]
    public async Task Random_bytes_taken_for_an_encrypted_handshake_are_closed_within_its_padding_bound()
    {
        await StartAsync(AcceptingMse);
        var rng = new Random(12);
        var noise = new byte[96 + 600];
        rng.NextBytes(noise);
        noise[0] = 0x47; // not 19: taken for the start of a Diffie-Hellman key
        var clock = Stopwatch.StartNew();
        var s = await RawAsync(IPAddress.Loopback, noise);
        Assert.True(await ClosedWithinAsync(s, TimeSpan.FromSeconds(5)), "still open after 5 s");
        output.WriteLine($"closed after {clock.ElapsedMilliseconds} ms");
        await HonestPeerIsServedAsync();
    }

    [Fact]
    public async Task Encrypted_handshakes_that_stall_after_their_key_do_not_keep_an_honest_peer_out()
    {
        await StartAsync(AcceptingMse);
        var rng = new Random(13);
        // Every handshake place taken by a connection that sends a plausible key, is answered, and then says nothing.
        for (var i = 0; i < PeerListener.MaxPendingHandshakes; i++)
        {
            var key = new byte[96];
            rng.NextBytes(key);
            key[0] = 0x55;
            await RawAsync(IPAddress.Loopback, key);
        }
        await Task.Delay(300);
        var took = await HonestPeerIsServedAsync();
        output.WriteLine($"honest peer served after {took.TotalMilliseconds:0} ms");
        Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}");
        Assert.True(await ClosedWithinAsync(_sockets[0], TimeSpan.FromSeconds(1)), "the longest waiting was not evicted");
    }
}
