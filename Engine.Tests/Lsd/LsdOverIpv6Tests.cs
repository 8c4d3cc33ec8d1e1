using Engine.Tests.Host;
using Engine.Tests.Interop;
using Engine.Tests.Lab;
using Xunit.Abstractions;

namespace Engine.Tests.Lsd;

/// <summary>
/// Local discovery over IPv6 ([ff15::efc0:988f]:6771) between two IPv6-only hosts of a <see cref="NetLab"/>: no tracker
/// answers, the DHT is off, and the leecher still finds the seeder on its network.
/// </summary>
[Trait("Category", "Interop")]
public sealed class LsdOverIpv6Tests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("lsd-v6");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Two_ipv6_only_hosts_find_each_other_by_multicast_and_the_file_goes_across()
    {
        var seederHost = _lab.AddHost("seeder", ipv4: false);
        var leecherHost = _lab.AddHost("leecher", ipv4: false);
        var torrent = TorrentFactory.CreateSeeded(_dir, "neighbours", 3 * 1024 * 1024 + 9, fileCount: 2, announceUrl: "http://[fd77::ff]:9/announce", contentSeed: 10);

        await using var seeder = HostProcess.InNamespace(output, seederHost.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", seederHost.Address.ToString(), "--port", "6881", "--no-dht");
        await seeder.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));
        await using var leecher = HostProcess.InNamespace(output, leecherHost.Namespace,
            "download", torrent.TorrentPath, "-o", _dir.Sub("down"), "--bind", leecherHost.Address.ToString(), "--port", "6881", "--no-dht", "--status-interval", "1s");
        Assert.Equal(0, await leecher.ExitCodeAsync(TimeSpan.FromSeconds(90)));
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "neighbours"), Path.Combine(_dir.Sub("down"), "neighbours"));
        Assert.Contains(leecher.Lines, l => l.Contains("lsd", StringComparison.Ordinal)); // the display names where its peer came from
    }
}
