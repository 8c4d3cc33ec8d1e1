using System.Net;
using Engine.Tests.Host;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Lab;

/// <summary>
/// Peer exchange over IPv6 (BEP 11's <c>added6</c>/<c>added6.f</c>) with libtorrent 2.0.8, on IPv6-only hosts of a
/// <see cref="NetLab"/> (fd77::x: no IPv4 address anywhere, no tracker, no DHT, no LSD), so that the only way to learn
/// of a peer is a PEX message naming its IPv6 address. Each test has an introducer held to 1 kB/s (next to nothing to
/// pass on) that knows the seeder, a leecher told only of the introducer, and asserts that the leecher downloads the
/// torrent byte-exact from the seeder it learnt of through PEX.
/// <para>libtorrent drops a PEX peer at a local address (fc00::/7, fe80::/10, ::1, 10/8, 192.168/16...) unless the
/// peer that sent it is at a local address too (<c>src/ut_pex.cpp</c>, <c>aux::is_local</c>): here both are fd77::/64, so
/// a ULA lab is enough; a global-looking prefix is not needed.</para>
/// </summary>
[Trait("Category", "Interop")]
public sealed class Ipv6PexLabTests(ITestOutputHelper output) : IDisposable
{
    private const int Size = 4 * 1024 * 1024 + 77;

    /// <summary>The seeders' upload limit: a download of about 2 s, long enough for libtorrent's peer list (sampled every 100 ms) to see its bytes.</summary>
    private const int SeedRate = 2 * 1024 * 1024;
    private readonly TempDir _dir = new("pex6-lab");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    private static IPEndPoint At(LabHost host) => new(host.Address, 6881);

    private TestTorrent Torrent(string name, LabHost nobody) =>
        TorrentFactory.CreateSeeded(_dir, name, Size, fileCount: 3, announceUrl: $"http://[{nobody.Address}]:6969/announce");

    private static Task<LibtorrentPeer> LibtorrentSeederAsync(TestTorrent torrent, string dir, LabHost host) =>
        LibtorrentPeer.StartSeederAsync(torrent, dir, new LibtorrentOptions
        {
            Host = host.Address.ToString(), Port = 6881, NetNamespace = host.Namespace, NoTracker = true, UploadLimit = SeedRate,
        });

    private static async Task WaitForPeersAsync(LibtorrentPeer peer, int count, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((peer.LastStatus?.NumPeers ?? 0) < count && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(peer.LastStatus?.NumPeers >= count, what + "\n" + peer.Describe());
    }

    [Fact]
    public async Task Libtorrent_tells_our_leecher_of_an_ipv6_seeder_through_pex_and_it_downloads_from_that_seeder()
    {
        var seederHost = _lab.AddHost("seeder", ipv4: false);
        var introHost = _lab.AddHost("intro", ipv4: false);
        var leecherHost = _lab.AddHost("leecher", ipv4: false);
        var torrent = Torrent("pex6-in", introHost);
        await using var seeder = await LibtorrentSeederAsync(torrent, _dir.Sub("seed"), seederHost);
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        // The introducer: a libtorrent leecher with PEX, held to 1 kB/s, connected to the seeder.
        await using var intro = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("intro"), new LibtorrentOptions
        {
            Host = introHost.Address.ToString(), Port = 6881, NetNamespace = introHost.Namespace, NoTracker = true, Pex = true, DownloadLimit = 1000,
        });
        intro.ConnectTo(At(seederHost));
        await WaitForPeersAsync(intro, 1, "the introducer did not connect to the seeder");

        // Our leecher knows only the introducer, whose first PEX message (once it has two peers) names the seeder in added6.
        await using var leecher = HostProcess.InNamespace(output, leecherHost.Namespace,
            ["download", torrent.TorrentPath, "-o", _dir.Sub("down"), "--bind", leecherHost.Address.ToString(), "--port", "6881",
             "--peer", At(introHost).ToString(), "--no-dht", "--no-lsd", "--no-port-mapping", "--status-interval", "1s", "--verbose"]);
        var code = await leecher.ExitCodeAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"the leecher exited with {code}\n{intro.Describe()}\n{seeder.Describe()}");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "pex6-in"), Path.Combine(_dir.Sub("down"), "pex6-in"));

        // The seeder knows nothing of the leecher (no tracker, no PEX, not told): the connection is the leecher's dial to the
        // address it learnt through PEX. The introducer had next to nothing to pass on: the data came from the seeder.
        bool SeederSawLeecher() => seeder.PeersSeen.Any(p => p.EndPoint.StartsWith($"[{leecherHost.Address}]:", StringComparison.Ordinal) && p.Uploaded > 0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5); // its next status line
        while (!SeederSawLeecher() && DateTime.UtcNow < deadline) await Task.Delay(100);
        output.WriteLine($"the seeder saw {string.Join(", ", seeder.PeersSeen)}; the introducer had {intro.LastStatus?.TotalDone} bytes");
        Assert.True(SeederSawLeecher(), "the seeder never uploaded to our leecher");
        Assert.True(intro.LastStatus?.TotalDone < Size / 4, "the introducer had most of the data\n" + intro.Describe());
    }

    /// <summary>The seeder is libtorrent or our engine; our introducer tells a libtorrent leecher of it in added6.</summary>
    [Theory]
    [InlineData("libtorrent")]
    [InlineData("ours")]
    public async Task Our_engine_tells_libtorrent_of_an_ipv6_seeder_through_pex_and_libtorrent_downloads_from_that_seeder(string seederKind)
    {
        var seederHost = _lab.AddHost("seeder", ipv4: false);
        var introHost = _lab.AddHost("intro", ipv4: false);
        var leecherHost = _lab.AddHost("leecher", ipv4: false);
        var name = "pex6-out-" + seederKind;
        var torrent = Torrent(name, introHost);
        await using var libtorrentSeeder = seederKind == "libtorrent" ? await LibtorrentSeederAsync(torrent, _dir.Sub("seed"), seederHost) : null;
        await using var ourSeeder = seederKind == "ours"
            ? HostProcess.InNamespace(output, seederHost.Namespace, ["seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", seederHost.Address.ToString(),
                "--port", "6881", "--max-upload", "2M", "--no-dht", "--no-lsd", "--no-port-mapping", "--status-interval", "1s"])
            : null;
        if (libtorrentSeeder is not null) await libtorrentSeeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        if (ourSeeder is not null) await ourSeeder.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));

        // Our introducer: a leecher held to 1 kB/s that dials the seeder, so PEX names it as the address it dialled.
        await using var intro = HostProcess.InNamespace(output, introHost.Namespace,
            ["download", torrent.TorrentPath, "-o", _dir.Sub("intro"), "--bind", introHost.Address.ToString(), "--port", "6881", "--max-download", "1k",
             "--peer", At(seederHost).ToString(), "--no-dht", "--no-lsd", "--no-port-mapping", "--status-interval", "1s"]);
        await intro.WaitForLineAsync("peers 1/1", TimeSpan.FromSeconds(30));

        // libtorrent knows only our introducer (no tracker, DHT or LSD); it hears of the seeder in our PEX message 3 s after joining.
        await using var leecher = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down"), new LibtorrentOptions
        {
            Host = leecherHost.Address.ToString(), Port = 6881, NetNamespace = leecherHost.Namespace, NoTracker = true, Pex = true,
        });
        leecher.ConnectTo(At(introHost));
        await leecher.WaitForCompletionAsync(TimeSpan.FromSeconds(60));
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), name), Path.Combine(_dir.Sub("down"), name));

        output.WriteLine("libtorrent's peers: " + string.Join(", ", leecher.PeersSeen));
        // Our introducer, at 1 kB/s, has not one whole 64 KiB piece to upload: every byte came from the seeder.
        var seeder = Assert.Single(leecher.PeersSeen, p => p.EndPoint == $"[{seederHost.Address}]:6881");
        Assert.True(seeder.FromPex, "libtorrent did not learn of the seeder through PEX: " + seeder);
        Assert.True(seeder.Downloaded > 0, $"libtorrent got nothing from the seeder: {seeder}");
    }
}
