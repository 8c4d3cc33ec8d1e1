using System.Net;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Tests.Api;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// BEP 52 hybrid torrents made by python3-libtorrent (several files, so BEP 47 padding files sit between
/// them) go through the v1 swarm: leeched from libtorrent and seeded to it byte-exact, no padding file on disk.
/// </summary>
[Trait("Category", "Interop")]
public sealed class HybridInteropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("hybrid");

    public void Dispose() => _dir.Dispose();

    private TestTorrent Hybrid(string name)
    {
        var torrent = TorrentFactory.CreateSeededHybrid(_dir, name, 5 * 1024 * 1024 + 777, fileCount: 4, pieceLength: 64 * 1024);
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        Assert.True(meta.IsHybrid);
        Assert.True(meta.Files.Count(f => f.IsPadding) >= 2, "libtorrent wrote no padding files");
        return torrent;
    }

    private static void AssertNoPaddingOnDisk(string root) =>
        Assert.Empty(Directory.EnumerateFileSystemEntries(root, ".pad", SearchOption.AllDirectories));

    [Fact]
    public async Task We_download_a_hybrid_from_a_libtorrent_seeder_without_writing_padding()
    {
        var torrent = Hybrid("from-lt");
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        var started = DateTime.UtcNow;
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        output.WriteLine($"hybrid leeched from libtorrent in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
        AssertNoPaddingOnDisk(_dir.Sub("down"));
    }

    [Fact]
    public async Task A_libtorrent_leecher_downloads_a_hybrid_from_us()
    {
        var torrent = Hybrid("to-lt");
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        AssertNoPaddingOnDisk(_dir.Sub("seed"));
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down"),
            new LibtorrentOptions { NoTracker = true, ConnectTo = [engine.ListenEndPoint!.Port] });
        await libtorrent.WaitForCompletionAsync(Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }
}
