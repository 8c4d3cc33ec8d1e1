using Engine.Tests.Host;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Lab;

/// <summary>
/// uTP through a path narrower than Ethernet (a tunnel, PPPoE): the leecher's LAN behind its NAT router takes 1 280-byte
/// packets, our 1 448-byte datagrams do not fit. The router drops them and says so (ICMP "fragmentation needed"); the
/// seeder's kernel would then fragment every datagram, and fragments are what NATs and firewalls lose first. Our seeder
/// reads the error and cuts its packets to fit.
/// </summary>
[Trait("Category", "Interop")]
public sealed class NarrowLinkUtpLabTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("narrow-utp");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Our_seeder_fits_its_utp_packets_to_a_1280_byte_path_and_the_leecher_receives_almost_no_fragments()
    {
        var seederHost = _lab.AddHost("seeder");
        var leecherHost = _lab.AddHostBehindNat("leecher");
        _lab.NarrowLan(leecherHost, 1280);
        const int size = 4 * 1024 * 1024 + 7;
        var torrent = TorrentFactory.CreateSeeded(_dir, "narrow", size, fileCount: 1, pieceLength: 64 * 1024);

        await using var seeder = HostProcess.InNamespace(output, seederHost.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", seederHost.Address.ToString(), "--port", "6881", "--no-dht", "--no-lsd");
        await seeder.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));
        var started = DateTime.UtcNow;
        await using var leecher = HostProcess.InNamespace(output, leecherHost.Namespace,
            "download", torrent.TorrentPath, "-o", _dir.Sub("down"), "--bind", leecherHost.Address.ToString(), "--port", "6881",
            "--utp", "only", "--no-dht", "--no-lsd", "--no-port-mapping", "--peer", $"{seederHost.Address}:6881");
        Assert.Equal(0, await leecher.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        var fragments = _lab.CountedFragments(leecherHost);
        output.WriteLine($"{size} bytes over uTP through a 1 280-byte LAN in {(DateTime.UtcNow - started).TotalSeconds:0.0} s; {fragments} IP fragments reached the leecher");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
        // ~3 000 datagrams carry the 4 MiB: fragmented, each would arrive as two. Only the few in flight when the
        // first error came back may be (they keep their size when resent).
        Assert.InRange(fragments, 0, 300);
    }
}
