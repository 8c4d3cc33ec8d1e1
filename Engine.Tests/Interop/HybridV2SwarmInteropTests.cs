using System.Net;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Tests.Api;
using Engine.Tests.Metainfo;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// A hybrid torrent in its v2 swarm (BEP 52): python3-libtorrent knowing only the hybrid's v2 hash (a btmh-only magnet)
/// meets us on the truncated v2 info-hash — it downloads the hybrid from us (metadata included), and we download one
/// from it given the same kind of magnet. Byte-exact both ways.
/// </summary>
[Trait("Category", "Interop")]
public sealed class HybridV2SwarmInteropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("hybrid-v2");

    public void Dispose() => _dir.Dispose();

    private static string BtmhMagnet(TorrentMetainfo meta, int port) =>
        $"magnet:?xt=urn:btmh:1220{Convert.ToHexStringLower(meta.InfoHashV2.Span)}&x.pe=127.0.0.1:{port}";

    /// <summary>
    /// A libtorrent leecher of a magnet, connected to one peer (port 0: none, it finds peers by LSD on 127.0.0.1 only);
    /// exits 0 once seeding, 1 after 75 s.
    /// </summary>
    private const string MagnetLeecher = """
        import sys, time, libtorrent as lt
        magnet, save, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        ses = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': port == 0,
                          'enable_upnp': False, 'enable_natpmp': False})
        p = lt.parse_magnet_uri(magnet)
        p.save_path = save
        h = ses.add_torrent(p)
        start = time.time()
        last = 0
        while time.time() - start < 75:
            s = h.status()
            if s.is_seeding:
                print('seeding %.1f' % (time.time() - start))
                sys.exit(0)
            if port and time.time() - last > 5:
                h.connect_peer(('127.0.0.1', port))
                last = time.time()
            time.sleep(0.2)
        print('timed out: state %s progress %.3f peers %d' % (s.state, s.progress, s.num_peers), file=sys.stderr)
        sys.exit(1)
        """;

    [Fact]
    public async Task Libtorrent_given_only_the_v2_hash_downloads_a_hybrid_from_us()
    {
        var torrent = TorrentFactory.CreateSeededHybrid(_dir, "to-v2", 3 * 1024 * 1024 + 321, fileCount: 3, pieceLength: 32 * 1024);
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        Assert.True(meta.IsHybrid);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        var port = engine.ListenEndPoint!.Port;
        var said = await Task.Run(() => ExternalTools.RunLibtorrentPython(MagnetLeecher, BtmhMagnet(meta, port), _dir.Sub("down"), port.ToString()));
        output.WriteLine($"libtorrent (btmh only): {said.Trim()} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Fact]
    public async Task We_download_a_hybrid_from_libtorrent_given_only_its_v2_hash()
    {
        var torrent = TorrentFactory.CreateSeededHybrid(_dir, "from-v2", 3 * 1024 * 1024 + 321, fileCount: 3, pieceLength: 32 * 1024);
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var started = DateTime.UtcNow;
        var handle = await engine.AddAsync(BtmhMagnet(meta, libtorrent.Port), _dir.Sub("down"));
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        output.WriteLine($"hybrid leeched from libtorrent by its btmh magnet in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        var status = await handle.GetStatusAsync();
        Assert.Equal(meta.PieceCount, status.VerifiedPieces);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Fact]
    public async Task Libtorrent_given_only_the_v2_hash_finds_us_by_our_lsd_announce_under_it()
    {
        var torrent = TorrentFactory.CreateSeededHybrid(_dir, "lsd-v2", 1024 * 1024 + 321, fileCount: 2, pieceLength: 32 * 1024);
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        // No address, no tracker, no DHT: only the BEP 14 announces on 127.0.0.1, ours naming the v2 hash too. The
        // leecher starts first, so that the announce it hears is the one we make as the torrent starts.
        var magnet = $"magnet:?xt=urn:btmh:1220{Convert.ToHexStringLower(meta.InfoHashV2.Span)}";
        var leecher = Task.Run(() => ExternalTools.RunLibtorrentPython(MagnetLeecher, magnet, _dir.Sub("down"), "0"));
        await Task.Delay(TimeSpan.FromSeconds(3));   // its session up and listening to 239.192.152.143
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")) with { Lsd = true });
        await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        var said = await leecher;
        output.WriteLine($"libtorrent (btmh only, LSD): {said.Trim()} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    /// <summary>
    /// A libtorrent leecher of a magnet that finds peers only through the magnet's tracker; exits 0 once seeding, 1 after
    /// 45 s. Several connections per IP are allowed: opentracker names libtorrent to itself, and its dial to itself would
    /// otherwise make it drop our connection from the same 127.0.0.1 as a duplicate ("connected to ourselves").
    /// </summary>
    private const string TrackerLeecher = """
        import sys, time, libtorrent as lt
        magnet, save = sys.argv[1], sys.argv[2]
        ses = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
                          'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True})
        p = lt.parse_magnet_uri(magnet)
        p.save_path = save
        h = ses.add_torrent(p)
        start = time.time()
        while time.time() - start < 45:
            s = h.status()
            if s.is_seeding:
                print('seeding %.1f' % (time.time() - start))
                sys.exit(0)
            time.sleep(0.2)
        print('timed out: state %s progress %.3f peers %d' % (s.state, s.progress, s.num_peers), file=sys.stderr)
        sys.exit(1)
        """;

    [Fact]
    public async Task We_dial_a_libtorrent_that_knows_only_the_v2_hash_with_the_v2_hash()
    {
        await using var tracker = await OpenTracker.StartAsync([]);
        var torrent = TorrentFactory.CreateSeededHybrid(_dir, "dial-v2", 1024 * 1024 + 321, fileCount: 2, pieceLength: 32 * 1024, tracker.AnnounceUrl);
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        await tracker.AllowAsync(meta.InfoHash.ToHex(), meta.V2WireHash!.Value.ToHex());
        // libtorrent first: its announce under the v2 hash finds nobody, and it does not announce again within the test
        // (the tracker's interval is long); we hear of it from our announce under the v2 hash, so only our dial can meet it,
        // and it refuses a handshake with the v1 hash ("invalid info-hash": this test times out when we dial so).
        var magnet = $"magnet:?xt=urn:btmh:1220{Convert.ToHexStringLower(meta.InfoHashV2.Span)}&tr={Uri.EscapeDataString(tracker.AnnounceUrl)}";
        var leecher = Task.Run(() => ExternalTools.RunLibtorrentPython(TrackerLeecher, magnet, _dir.Sub("down")));
        await tracker.WaitForSwarmAsync(meta.V2WireHash!.Value.ToHex(), seeders: 0, leechers: 1, TimeSpan.FromSeconds(30)); // it has announced
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        using var events = new Scenarios.Kit.EventLog(seeding);
        var said = await leecher;
        output.WriteLine($"libtorrent (btmh only, tracker): {said.Trim()} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
        Assert.Contains(events.OfType<PeerConnected>(), c => c.Direction == PeerDirection.Outgoing && c.Client is not null && c.Client.Contains("libtorrent"));
    }
}
