using System.Diagnostics;
using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Dht;

/// <summary>
/// Our DHT node in a private DHT of python3-libtorrent sessions on loopback addresses (127.0.0.2 and up): each side
/// finds the other's torrent given nothing but the info-hash — no tracker, no peer address.
/// </summary>
[Trait("Category", "Interop")]
public sealed class DhtInteropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("dht");

    public void Dispose() => _dir.Dispose();

    private TestTorrent Torrent(string name)
    {
        return TorrentFactory.CreateSeeded(_dir, name, 3 * 1024 * 1024 + 17, fileCount: 3);
    }

    private TorrentEngineOptions Options(string state, params string[] bootstrap) => new()
    {
        ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
        StateDirectory = _dir.Sub(state),
        Dht = true,
        DhtBootstrapNodes = bootstrap,
        Pex = false,
        Lsd = false,
    };

    [Fact]
    public async Task Our_engine_downloads_from_a_libtorrent_seeder_found_only_through_the_dht()
    {
        var torrent = Torrent("album");
        var port = PortAllocator.Next();
        await using var libtorrent = await LibtorrentDht.StartAsync(port, seedTorrent: torrent.TorrentPath, dataDirectory: _dir.Sub("seed"));
        await using var engine = TorrentEngine.Create(Options("state", libtorrent.Nodes[0]));
        var clock = Stopwatch.StartNew();
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{torrent.InfoHashHex}", _dir.Sub("down"));
        var firstPeer = TimeSpan.Zero;
        await foreach (var e in handle.Events().WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            if (e is PeerConnected && firstPeer == TimeSpan.Zero) firstPeer = clock.Elapsed;
            if (e is Failed f) Assert.Fail(f.Reason);
            if (e is Completed) break;
        }
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "album"), Path.Combine(_dir.Sub("down"), "album"));
        output.WriteLine($"first peer through the DHT after {firstPeer.TotalSeconds:F2} s, complete after {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public async Task A_libtorrent_leecher_given_only_the_info_hash_finds_our_seeding_engine_through_the_dht()
    {
        var torrent = Torrent("film");
        var port = PortAllocator.Next();
        // libtorrent's DHT first (our node joins through it), then its leecher on another address, joining through both.
        await using var dht = await LibtorrentDht.StartAsync(port, nodes: 3);
        await using var engine = TorrentEngine.Create(Options("state", dht.Nodes[0]));
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForAsync(s => s.State == TorrentState.Seeding, TimeSpan.FromSeconds(30), "seeding");
        var ours = $"127.0.0.1:{engine.ListenEndPoint!.Port}";
        await using var leecher = await LibtorrentDht.StartAsync(port, nodes: 1, firstAddress: "127.0.0.20", bootstrap: [ours, dht.Nodes[1]],
            leechInfoHash: torrent.InfoHashHex, dataDirectory: _dir.Sub("down"));
        await leecher.WaitForDownloadAsync(Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "film"), Path.Combine(_dir.Sub("down"), "film"));
        var peers = await seeding.GetPeersAsync();
        output.WriteLine($"libtorrent saw {dht.AnnouncesSeen} announces; our peers: {string.Join(", ", peers.Select(p => $"{p.EndPoint} ({p.Source})"))}");
    }
}
