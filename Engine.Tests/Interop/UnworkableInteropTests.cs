using Engine.Tests.Lab;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// unworkable, an old small C client that listens on every interface: it, our console host and our tracker run in a
/// network namespace the test makes. It leeches from the seeding host, and the host leeches from it — at its one block
/// a second, finishing piece after piece; byte-identical both ways.
/// </summary>
[Trait("Category", "Interop")]
public sealed class UnworkableInteropTests(ITestOutputHelper output) : NamespaceTests("unworkable")
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    [Fact(Timeout = 150_000)]
    public async Task An_unworkable_leecher_finds_the_seeding_host_through_our_tracker_and_downloads_byte_identical()
    {
        var (tracker, announce) = await NamespacedHost.StartTrackerAsync(output, Ns.Name);
        await using var _ = tracker;
        // Three files side by side: unworkable saves every file of a torrent by its last path component.
        var root = Path.Combine(Dir.Sub("seed"), "uwleech");
        Directory.CreateDirectory(root);
        for (var i = 0; i < 3; i++) TestData.WriteFile(Path.Combine(root, $"part {i}.bin"), 700 * 1024 + 77 * i, (ulong)(61 + i));
        var torrent = TorrentFactory.Create(root, announce, 64 * 1024, Path.Combine(Dir.FullPath, "uwleech.torrent"));
        await using var seed = await NamespacedHost.StartSeedAsync(output, Ns.Name, torrent, Dir.Sub("seed"), announce);

        await using var leecher = UnworkablePeer.StartLeecher(torrent, Dir.Sub("leech"), Ns.Name);
        await leecher.WaitForCompletionAsync(Bound);
        DirectoryComparer.AssertIdentical(root, leecher.DataPath);
    }

    [Fact(Timeout = 150_000)]
    public async Task The_host_downloads_from_an_unworkable_seeder_that_serves_a_block_a_second()
    {
        var (tracker, announce) = await NamespacedHost.StartTrackerAsync(output, Ns.Name);
        await using var _ = tracker;
        var data = TestData.CreateTree(Dir.Sub("seed"), "uwseed", 256 * 1024 + 1000, seed: 62, fileCount: 1);
        var torrent = TorrentFactory.Create(data.Root, announce, 64 * 1024, Path.Combine(Dir.FullPath, "uwseed.torrent"));
        await using var seeder = UnworkablePeer.StartSeeder(torrent, Dir.Sub("seed"), Ns.Name, PortAllocator.Next());

        await using var download = NamespacedHost.StartDownload(output, Ns.Name, torrent.TorrentPath, Dir.Sub("down"));
        Assert.Equal(0, await download.ExitCodeAsync(Bound));
        await seeder.StopAsync(); // it holds a lock on the file it seeds
        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(Dir.Sub("down"), torrent.Name));
    }
}
