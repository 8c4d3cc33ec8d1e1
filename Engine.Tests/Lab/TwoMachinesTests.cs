using Engine.Tests.Host;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Lab;

/// <summary>
/// Source document 001's test between machines, in a <see cref="NetLab"/>: our tracker on one host, a seeder on a
/// second, and on a third, behind a NAT router, a leecher that only the tracker tells where the seeder is. The console
/// host plays every role (each its own process in its own namespace); then libtorrent seeds instead of us.
/// </summary>
[Trait("Category", "Interop")]
public sealed class TwoMachinesTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("two-machines");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    private TestTorrent Torrent(string name, LabHost tracker)
    {
        var host = tracker.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{tracker.Address}]" : tracker.Address.ToString();
        return TorrentFactory.CreateSeeded(_dir, name, 6 * 1024 * 1024 + 77, fileCount: 4, announceUrl: $"http://{host}:6969/announce");
    }

    private async Task<HostProcess> TrackerAsync(LabHost host)
    {
        var tracker = HostProcess.InNamespace(output, host.Namespace, "tracker", "--http", "6969", "--bind", host.Address.ToString(), "--interval", "10s");
        await tracker.WaitForLineAsync("http tracker:", TimeSpan.FromSeconds(30));
        return tracker;
    }

    private async Task<int> LeechBehindNatAsync(LabHost leecher, TestTorrent torrent, string into, string bind = "0.0.0.0")
    {
        await using var download = HostProcess.InNamespace(output, leecher.Namespace,
            "download", torrent.TorrentPath, "-o", into, "--bind", bind, "--port", "6881", "--no-dht", "--no-lsd", "--status-interval", "1s");
        var code = await download.ExitCodeAsync(Bound);
        Assert.Contains(download.Lines, l => l.StartsWith("completed: ", StringComparison.Ordinal));
        return code;
    }

    [Fact]
    public async Task A_leecher_behind_a_nat_gets_the_file_from_a_seeder_on_another_machine_through_our_tracker()
    {
        var trackerHost = _lab.AddHost("tracker");
        var seederHost = _lab.AddHost("seeder");
        var leecherHost = _lab.AddHostBehindNat("leecher");
        var torrent = Torrent("lecture-notes", trackerHost);

        await using var tracker = await TrackerAsync(trackerHost);
        await using var seeder = HostProcess.InNamespace(output, seederHost.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", seederHost.Address.ToString(), "--port", "6881", "--no-dht", "--no-lsd");
        await seeder.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));

        Assert.Equal(0, await LeechBehindNatAsync(leecherHost, torrent, _dir.Sub("down")));
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "lecture-notes"), Path.Combine(_dir.Sub("down"), "lecture-notes"));
        output.WriteLine($"tracker {trackerHost.Address}, seeder {seederHost.Address}, leecher {leecherHost.Address} behind NAT {leecherHost.PublicAddress}");
    }

    [Fact]
    public async Task The_same_with_libtorrent_seeding_on_the_second_machine()
    {
        var trackerHost = _lab.AddHost("tracker");
        var seederHost = _lab.AddHost("seeder");
        var leecherHost = _lab.AddHostBehindNat("leecher");
        var torrent = Torrent("field-recordings", trackerHost);

        await using var tracker = await TrackerAsync(trackerHost);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"),
            new LibtorrentOptions { Host = seederHost.Address.ToString(), NetNamespace = seederHost.Namespace });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, await LeechBehindNatAsync(leecherHost, torrent, _dir.Sub("down")));
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "field-recordings"), Path.Combine(_dir.Sub("down"), "field-recordings"));
    }

    [Fact]
    public async Task Three_hosts_with_only_ipv6_addresses_share_the_file_through_our_tracker()
    {
        var trackerHost = _lab.AddHost("tracker", ipv4: false);
        var seederHost = _lab.AddHost("seeder", ipv4: false);
        var leecherHost = _lab.AddHost("leecher", ipv4: false);
        var torrent = Torrent("v6-only", trackerHost);

        await using var tracker = await TrackerAsync(trackerHost);
        await using var seeder = HostProcess.InNamespace(output, seederHost.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", seederHost.Address.ToString(), "--port", "6881", "--no-dht", "--no-lsd");
        await seeder.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));

        Assert.Equal(0, await LeechBehindNatAsync(leecherHost, torrent, _dir.Sub("down"), bind: leecherHost.Address.ToString()));
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "v6-only"), Path.Combine(_dir.Sub("down"), "v6-only"));
    }
}
