using System.Globalization;
using Engine.Tests.Lab;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// BiglyBT (the Azureus/Vuze line), which listens on every interface: it, our console host and our tracker run in a
/// network namespace the test makes. The host downloads from it, dialling it, plain and with encryption required; it
/// finds the seeding host through our tracker and downloads from it. Byte-identical every way.
/// </summary>
[Trait("Category", "Interop")]
public sealed class BiglyBtInteropTests(ITestOutputHelper output) : NamespaceTests("biglybt")
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    [Theory(Timeout = 150_000)]
    [InlineData("enabled")]
    [InlineData("required")]
    public async Task The_host_downloads_from_a_BiglyBT_seeder_it_dials(string encryption)
    {
        var data = TestData.CreateTree(Dir.Sub("seed"), "bbseed", 6 * 1024 * 1024 + 999, seed: 71, fileCount: 3);
        var torrent = TorrentFactory.Create(data.Root, "http://127.0.0.1:9/announce", 256 * 1024, Path.Combine(Dir.FullPath, "bbseed.torrent"));
        await using var seeder = BiglyBtPeer.StartSeeder(torrent, Dir.Sub("seed"), Ns.Name, PortAllocator.Next());
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(60));

        await using var download = NamespacedHost.StartDownload(output, Ns.Name, torrent.TorrentPath, Dir.Sub("down"),
            "--encryption", encryption, "--peer", "127.0.0.1:" + seeder.Port.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, await download.ExitCodeAsync(Bound));
        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(Dir.Sub("down"), torrent.Name));
    }

    [Fact(Timeout = 150_000)]
    public async Task A_BiglyBT_leecher_finds_the_seeding_host_through_our_tracker_and_downloads_byte_identical()
    {
        var (tracker, announce) = await NamespacedHost.StartTrackerAsync(output, Ns.Name);
        await using var _ = tracker;
        var data = TestData.CreateTree(Dir.Sub("seed"), "bbleech", 6 * 1024 * 1024 + 4321, seed: 72, fileCount: 4);
        var torrent = TorrentFactory.Create(data.Root, announce, 64 * 1024, Path.Combine(Dir.FullPath, "bbleech.torrent"));
        await using var seed = await NamespacedHost.StartSeedAsync(output, Ns.Name, torrent, Dir.Sub("seed"), announce);

        await using var leecher = BiglyBtPeer.StartLeecher(torrent, Dir.Sub("leech"), Ns.Name, PortAllocator.Next());
        await leecher.WaitForCompletionAsync(Bound);
        DirectoryComparer.AssertIdentical(data.Root, leecher.DataPath);
    }
}
