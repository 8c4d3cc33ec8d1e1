using System.Globalization;
using Engine.Tests.Interop;
using Engine.Tests.Lab;
using Xunit.Abstractions;

namespace Engine.Tests.Metadata;

/// <summary>
/// A magnet link with BiglyBT (its own ut_metadata), in a network namespace the test makes (it listens on every
/// interface): the host fetches the metadata and the data from a BiglyBT seeder the magnet names (<c>x.pe</c>). The
/// other way is not a test: BiglyBT's console, with DHT off, announces a magnet to its tracker only some of the times
/// (docs/interop.md).
/// </summary>
[Trait("Category", "Interop")]
public sealed class BiglyBtMagnetInteropTests(ITestOutputHelper output) : NamespaceTests("biglybt-magnet")
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    [Fact(Timeout = 150_000)]
    public async Task The_host_fetches_the_metadata_and_the_data_from_a_BiglyBT_seeder()
    {
        var data = TestData.CreateTree(Dir.Sub("seed"), "bbmagseed", 3 * 1024 * 1024 + 555, seed: 73, fileCount: 3);
        var torrent = TorrentFactory.Create(data.Root, "http://127.0.0.1:9/announce", 64 * 1024, Path.Combine(Dir.FullPath, "bbmagseed.torrent"));
        await using var seeder = BiglyBtPeer.StartSeeder(torrent, Dir.Sub("seed"), Ns.Name, PortAllocator.Next());
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(60));

        var magnet = $"magnet:?xt=urn:btih:{torrent.InfoHashHex}&x.pe=127.0.0.1:{seeder.Port.ToString(CultureInfo.InvariantCulture)}";
        await using var download = NamespacedHost.StartDownload(output, Ns.Name, magnet, Dir.Sub("down"), "-v");
        Assert.Equal(0, await download.ExitCodeAsync(Bound));
        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(Dir.Sub("down"), torrent.Name));
    }
}
