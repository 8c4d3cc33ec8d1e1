using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Utp;

/// <summary>
/// uTP with transmission-cli 3.00, whose uTP is libutp (the reference implementation, not libtorrent's): we dial it over
/// uTP only, as a leecher and as a seeder (it never dials loopback peers), and the data arrives byte-exact.
/// </summary>
[Trait("Category", "Interop")]
public sealed class UtpTransmissionTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("utp-tr");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task We_download_from_a_transmission_seeder_over_utp()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "from-tr", 8 * 1024 * 1024 + 11, fileCount: 2, pieceLength: 128 * 1024);
        await using var transmission = await TransmissionPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new TransmissionOptions { Utp = true });
        await transmission.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state-l")) with { Utp = UtpMode.Only });
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        var started = DateTime.UtcNow;
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, transmission.Port)]);
        Assert.True((await UtpPeers.FirstAsync(handle)).Utp, "the connection is not uTP");
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound); // transmission unchokes at its 10 s rechoke
        output.WriteLine($"we leeched {torrent.Name} from transmission over uTP in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Fact]
    public async Task A_transmission_leecher_downloads_from_us_over_utp()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "to-tr", 8 * 1024 * 1024 + 17, fileCount: 2, pieceLength: 128 * 1024);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state-s")) with { Utp = UtpMode.Only });
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        await using var transmission = await TransmissionPeer.StartLeecherAsync(torrent, _dir.Sub("down"), new TransmissionOptions { Utp = true });
        var started = DateTime.UtcNow;
        seeding.AddPeers([new IPEndPoint(IPAddress.Loopback, transmission.Port)]);
        Assert.True((await UtpPeers.FirstAsync(seeding)).Utp, "the connection is not uTP");
        await transmission.WaitForCompletionAsync(Bound);
        output.WriteLine($"transmission leeched {torrent.Name} from us over uTP in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }
}
