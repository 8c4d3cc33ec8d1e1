using Engine.Tests.Host;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Lab;

/// <summary>
/// uTP with libtorrent over a link that loses datagrams, as the Internet does: each host of a <see cref="NetLab"/> loses
/// 2 % of the UDP datagrams it receives. Once a packet is lost, libtorrent's ACKs carry a selective ACK whose length is
/// not a multiple of 4; our seeder used to refuse those packets whole, never saw an ACK again and stalled in timeouts
/// (nothing delivered in 40 s).
/// </summary>
[Trait("Category", "Interop")]
public sealed class LossyUtpLabTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("lossy-utp");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_libtorrent_leecher_gets_the_file_from_our_seeder_over_utp_through_a_link_losing_2_percent()
    {
        var seederHost = _lab.AddHost("seeder");
        var leecherHost = _lab.AddHost("leecher");
        _lab.LoseUdp(seederHost, 20);
        _lab.LoseUdp(leecherHost, 20);
        var torrent = TorrentFactory.CreateSeeded(_dir, "lossy", 4 * 1024 * 1024 + 11, fileCount: 1, pieceLength: 64 * 1024);

        await using var seeder = HostProcess.InNamespace(output, seederHost.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", seederHost.Address.ToString(), "--port", "6881", "--no-dht", "--no-lsd");
        await seeder.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down"), new LibtorrentOptions
        {
            Host = leecherHost.Address.ToString(), NetNamespace = leecherHost.Namespace, NoTracker = true, Transport = "utp",
        });
        var started = DateTime.UtcNow;
        libtorrent.ConnectTo(new System.Net.IPEndPoint(seederHost.Address, 6881));
        await libtorrent.WaitForCompletionAsync(TimeSpan.FromSeconds(40));
        output.WriteLine($"libtorrent leeched {torrent.Name} over lossy uTP in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }
}
