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
/// BEP 52 hybrid torrents made by python3-libtorrent (one file, or several with BEP 47 padding files between them;
/// 16, 64 and 256 KiB pieces) go through the v1 swarm: leeched from libtorrent and seeded to it byte-exact, no padding
/// file on disk.
/// </summary>
[Trait("Category", "Interop")]
public sealed class HybridInteropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("hybrid");

    public void Dispose() => _dir.Dispose();

    /// <summary>Files and piece length of the libtorrent-made hybrids: several files with padding between them, or a single-file torrent.</summary>
    public static TheoryData<int, int> Shapes => new() { { 4, 64 * 1024 }, { 1, 16 * 1024 }, { 2, 256 * 1024 } };

    /// <summary>A libtorrent-made hybrid of 5 MiB: one file (a single-file torrent) or several, with padding files between them.</summary>
    private TestTorrent Hybrid(string name, int files, int pieceLength)
    {
        const long bytes = 5 * 1024 * 1024 + 777;
        var torrent = files == 1
            ? TorrentFactory.CreateSeededHybridFile(_dir, name, bytes, pieceLength)
            : TorrentFactory.CreateSeededHybrid(_dir, name, bytes, fileCount: files, pieceLength: pieceLength);
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        Assert.True(meta.IsHybrid);
        Assert.Equal(files > 1, meta.IsMultiFile);
        Assert.True(meta.Files.Count(f => f.IsPadding) >= files - 1, "libtorrent wrote no padding files");
        return torrent;
    }

    private static void AssertNoPaddingOnDisk(string root) =>
        Assert.Empty(Directory.EnumerateFileSystemEntries(root, ".pad", SearchOption.AllDirectories));

    /// <summary>The torrent's file or directory under <paramref name="down"/> equals the seed's, byte for byte.</summary>
    private void AssertSameData(TestTorrent torrent, string down)
    {
        var expected = Path.Combine(_dir.Sub("seed"), torrent.Name);
        if (File.Exists(expected)) Assert.Null(DirectoryComparer.CompareFiles(expected, Path.Combine(down, torrent.Name)));
        else DirectoryComparer.AssertIdentical(expected, Path.Combine(down, torrent.Name));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task We_download_a_hybrid_from_a_libtorrent_seeder_without_writing_padding(int files, int pieceLength)
    {
        var torrent = Hybrid("from-lt", files, pieceLength);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        var started = DateTime.UtcNow;
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        output.WriteLine($"hybrid ({files} file(s), {pieceLength / 1024} KiB pieces) leeched from libtorrent in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        AssertSameData(torrent, _dir.Sub("down"));
        AssertNoPaddingOnDisk(_dir.Sub("down"));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_libtorrent_leecher_downloads_a_hybrid_from_us(int files, int pieceLength)
    {
        var torrent = Hybrid("to-lt", files, pieceLength);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        AssertNoPaddingOnDisk(_dir.Sub("seed"));
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down"),
            new LibtorrentOptions { NoTracker = true, ConnectTo = [engine.ListenEndPoint!.Port] });
        await libtorrent.WaitForCompletionAsync(Bound);
        AssertSameData(torrent, _dir.Sub("down"));
    }

    private const string Hashes = """
        import sys, libtorrent as lt
        ti = lt.torrent_info(sys.argv[1])
        print(ti.info_hashes().v1, ti.info_hashes().v2, ti.files().num_files())
        """;

    [Fact]
    public void Our_single_file_hybrid_has_libtorrents_info_hashes()
    {
        var file = Path.Combine(_dir.Sub("single"), "one.bin");
        TestData.WriteFile(file, 1024 * 1024 + 99, 3);
        var path = Path.Combine(_dir.FullPath, "one.torrent");
        File.WriteAllBytes(path, TorrentCreator.Create(file, new TorrentCreationOptions { Hybrid = true, PieceLength = 32 * 1024 }));
        var meta = TorrentMetainfo.Load(path);
        var theirs = ExternalTools.RunLibtorrentPython(Hashes, path).Trim().Split(' ');
        Assert.Equal([meta.InfoHash.ToHex(), Convert.ToHexStringLower(meta.InfoHashV2.Span), "1"], theirs);
    }

    [Theory]
    [InlineData(4, 64 * 1024)]
    [InlineData(1, 16 * 1024)]
    [InlineData(3, 256 * 1024)]
    public async Task Our_hybrid_is_accepted_by_libtorrent_with_the_same_info_hashes_and_seeded_from_our_data(int files, int pieceLength)
    {
        var name = $"ours-{files}-{pieceLength}";
        var data = TestData.CreateTree(_dir.Sub("seed"), name, 3 * 1024 * 1024 + 4321, 7, files);
        var path = Path.Combine(_dir.FullPath, name + ".torrent");
        await File.WriteAllBytesAsync(path, TorrentCreator.Create(data.Root, new TorrentCreationOptions { Hybrid = true, PieceLength = pieceLength }));
        var meta = TorrentMetainfo.Load(path);
        Assert.True(meta.IsHybrid);
        var theirs = ExternalTools.RunLibtorrentPython(Hashes, path).Trim().Split(' ');
        Assert.Equal(meta.InfoHash.ToHex(), theirs[0]);
        Assert.Equal(Convert.ToHexStringLower(meta.InfoHashV2.Span), theirs[1]);
        Assert.Equal(meta.Files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), theirs[2]);
        // libtorrent checks the data against our v1 and v2 hashes before it seeds; then we leech from it.
        var torrent = TorrentFactory.Read(path);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state-" + name)));
        var handle = await engine.AddAsync(path, _dir.Sub("down"));
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(_dir.Sub("down"), name));
    }
}
