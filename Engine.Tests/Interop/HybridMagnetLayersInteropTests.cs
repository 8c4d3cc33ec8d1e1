using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Tests.Api;
using Engine.Tests.Metainfo;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// A hybrid torrent we added by magnet has no piece layers (the metadata from the swarm carries none): we rebuild them
/// from our verified data, and keep them in the resume record. After a restart, python3-libtorrent knowing only the v2
/// hash (a btmh magnet, so it asks us for every file's piece layer, as its peer log shows) gets hashes from us — no
/// reject — and downloads byte-exact.
/// </summary>
[Trait("Category", "Interop")]
public sealed class HybridMagnetLayersInteropTests(ITestOutputHelper output) : IDisposable
{
    private const int PieceLength = 32 * 1024;
    private readonly TempDir _dir = new("hybrid-magnet-layers");

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A libtorrent leecher of a magnet connected to one peer; counts the <c>hashes</c> and <c>hash reject</c> messages it
    /// receives (its peer log) and prints them once seeding (exit 0), or exits 1 after 75 s.
    /// </summary>
    private const string CountingLeecher = """
        import sys, time, libtorrent as lt
        magnet, save, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        ses = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
                          'enable_upnp': False, 'enable_natpmp': False,
                          'alert_mask': lt.alert.category_t.peer_log_notification | lt.alert.category_t.status_notification})
        p = lt.parse_magnet_uri(magnet)
        p.save_path = save
        h = ses.add_torrent(p)
        start = time.time()
        last = 0
        counts = {'HASHES': 0, 'HASH_REJECT': 0, 'HASH_REQUEST': 0}
        def count():
            for a in ses.pop_alerts():
                if isinstance(a, lt.peer_log_alert):
                    for k in ('<== HASHES', '<== HASH_REJECT', '==> HASH_REQUEST'):
                        if k in a.message(): counts[k[4:]] += 1
        while time.time() - start < 75:
            count()
            s = h.status()
            if s.is_seeding:
                time.sleep(0.5)
                count()
                print('seeding %.1f requests %d hashes %d rejects %d' % (time.time() - start, counts['HASH_REQUEST'], counts['HASHES'], counts['HASH_REJECT']))
                sys.exit(0)
            if time.time() - last > 5:
                h.connect_peer(('127.0.0.1', port))
                last = time.time()
            time.sleep(0.1)
        print('timed out: state %s progress %.3f peers %d' % (s.state, s.progress, s.num_peers), file=sys.stderr)
        sys.exit(1)
        """;

    [Fact]
    public async Task A_hybrid_added_by_magnet_answers_v2_peers_hash_requests_for_every_file_after_a_restart()
    {
        var torrent = TorrentFactory.CreateSeededHybrid(_dir, "hm", 3 * 1024 * 1024 + 321, fileCount: 3, pieceLength: PieceLength);
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        Assert.Equal(0, meta.HashSource!.MissingLayers);
        var needLayers = Enumerable.Range(0, meta.HashSource.FileCount).Count(meta.HashSource.NeedsLayer);
        Assert.True(needLayers >= 2, $"{needLayers} file(s) longer than a piece");

        await using (var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true }))
        {
            await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
            await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
            var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{meta.InfoHash.ToHex()}&x.pe=127.0.0.1:{libtorrent.Port}", _dir.Sub("down"));
            await handle.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(90));
            var merkle = handle.Metainfo!.HashSource!;
            Assert.True(handle.Metainfo.IsHybrid);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (merkle.MissingLayers > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(0, merkle.MissingLayers);   // rebuilt from the data: libtorrent was never asked (a hybrid's peers answer, but we do not ask)
            for (var file = 0; file < merkle.FileCount; file++)
                Assert.Equal(meta.HashSource.Layer(file).ToArray(), merkle.Layer(file).ToArray());
            await Task.Delay(TimeSpan.FromSeconds(6));   // the resume record saved with them (within the 5 s save interval)
        }

        // The restart: the metadata the engine kept, the same state; no peer has the layers but us.
        var kept = Directory.GetFiles(_dir.Sub("state"), meta.InfoHash.ToHex() + ".torrent", SearchOption.AllDirectories).Single();
        Assert.Equal(needLayers, TorrentMetainfo.Load(kept).HashSource!.MissingLayers);   // the metadata has none
        var record = Engine.Core.Storage.ResumeState.TryDecode(File.ReadAllBytes(Path.ChangeExtension(kept, ".resume")))!;
        Assert.Equal(needLayers, record.Layers.Length);                                     // the resume record has them all
        await using (var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state"))))
        {
            var handle = await engine.AddAsync(kept, _dir.Sub("down"));
            var restarted = await ApiTestEngines.WaitForAsync(handle, s => s.Startup is not null, TimeSpan.FromSeconds(30), "the start-up check");
            Assert.Equal(StartupSource.ResumeRecord, restarted.Startup!.Source);
            Assert.Equal(0, handle.Metainfo!.HashSource!.MissingLayers);
            await handle.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
            var port = engine.ListenEndPoint!.Port;
            var btmh = $"magnet:?xt=urn:btmh:1220{Convert.ToHexStringLower(meta.InfoHashV2.Span)}";
            var said = await Task.Run(() => ExternalTools.RunLibtorrentPython(CountingLeecher, btmh, _dir.Sub("leech"), port.ToString()));
            output.WriteLine($"libtorrent (btmh only) from our magnet-added hybrid: {said.Trim()}");
            var words = said.Trim().Split(' ');
            var hashes = int.Parse(words[Array.IndexOf(words, "hashes") + 1]);
            var rejects = int.Parse(words[Array.IndexOf(words, "rejects") + 1]);
            Assert.True(hashes >= needLayers, $"libtorrent received {hashes} hashes message(s) for {needLayers} layers");
            Assert.Equal(0, rejects);
        }
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("leech"), torrent.Name));
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }
}
