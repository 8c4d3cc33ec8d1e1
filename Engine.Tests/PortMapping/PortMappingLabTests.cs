using Engine.Tests.Host;
using Engine.Tests.Interop;
using Engine.Tests.Lab;
using Xunit.Abstractions;

namespace Engine.Tests.PortMapping;

/// <summary>
/// NAT-PMP and UPnP IGD against miniupnpd on a lab NAT router: our seeder behind it asks for its port; a leecher on
/// the public side, told only the router's address, connects through the forward and downloads; when the seeder
/// stops, the forward is gone.
/// </summary>
[Trait("Category", "Interop")]
public sealed class PortMappingLabTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("port-mapping");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public Task A_seeder_behind_nat_maps_its_port_and_a_public_leecher_reaches_it_through_the_router() =>
        SeedBehindNatAndDownloadThroughTheRouter(natPmp: true, "NAT-PMP");

    [Fact]
    public Task A_router_with_only_upnp_maps_the_port_through_upnp_and_a_public_leecher_reaches_the_seeder() =>
        SeedBehindNatAndDownloadThroughTheRouter(natPmp: false, "UPnP");

    private async Task SeedBehindNatAndDownloadThroughTheRouter(bool natPmp, string protocol)
    {
        var home = _lab.AddHostBehindNat("home", portMapping: true, natPmp: natPmp);
        var outside = _lab.AddHost("outside");
        var torrent = TorrentFactory.CreateSeeded(_dir, "holiday", 4 * 1024 * 1024 + 5, fileCount: 2);

        await using (var seeder = HostProcess.InNamespace(output, home.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", "0.0.0.0", "--port", "6881", "--no-dht", "--no-lsd", "--port-mapping"))
        {
            var mapped = await seeder.WaitForLineAsync("port mapping:", TimeSpan.FromSeconds(30));
            Assert.Contains($"{home.PublicAddress}:6881 (TCP) and :6881 (UDP)", mapped);
            Assert.EndsWith($"({protocol})", mapped.TrimEnd());
            var forwards = _lab.PortForwards(home); // miniupnpd's rules match the IP protocol byte: 0x6 TCP, 0x11 UDP
            Assert.Contains($"0x6 th dport 6881 dnat ip to {home.Address}:6881", forwards);
            Assert.Contains($"0x11 th dport 6881 dnat ip to {home.Address}:6881", forwards);

            await using var leecher = HostProcess.InNamespace(output, outside.Namespace,
                "download", torrent.TorrentPath, "-o", _dir.Sub("down"), "--bind", outside.Address.ToString(), "--port", "6881",
                "--peer", $"{home.PublicAddress}:6881", "--no-dht", "--no-lsd", "--no-port-mapping", "--status-interval", "1s");
            Assert.Equal(0, await leecher.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "holiday"), Path.Combine(_dir.Sub("down"), "holiday"));
            await seeder.Process.StopAsync(TimeSpan.FromSeconds(10)); // Ctrl+C: the engine stops and removes its mappings
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_lab.PortForwards(home).Contains("6881", StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.DoesNotContain("6881", _lab.PortForwards(home));
    }

    [Fact]
    public async Task When_the_routers_port_is_taken_by_a_neighbour_the_seeder_maps_the_next_one_and_tells_the_tracker_so_a_public_leecher_finds_it()
    {
        var home = _lab.AddHostBehindNat("home", portMapping: true, natPmp: false);
        _lab.TakeRouterPort(home, 6881);
        var trackerHost = _lab.AddHost("tracker");
        var outside = _lab.AddHost("outside");
        var torrent = TorrentFactory.CreateSeeded(_dir, "lecture", 3 * 1024 * 1024 + 11, fileCount: 2, announceUrl: $"http://{trackerHost.Address}:6969/announce");

        await using var tracker = HostProcess.InNamespace(output, trackerHost.Namespace, "tracker", "--http", "6969", "--bind", trackerHost.Address.ToString(), "--interval", "10s");
        await tracker.WaitForLineAsync("http tracker:", TimeSpan.FromSeconds(30));
        await using (var seeder = HostProcess.InNamespace(output, home.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", "0.0.0.0", "--port", "6881", "--no-dht", "--no-lsd"))
        {
            // The router's TCP 6881 is the neighbour's (UPnP error 718): the seeder takes 6882 and announces that port from then on.
            var mapped = await seeder.WaitForLineAsync("port mapping:", TimeSpan.FromSeconds(30));
            Assert.Contains($"{home.PublicAddress}:6882 (TCP) and :6881 (UDP)", mapped);
            Assert.Contains($"0x6 th dport 6882 dnat ip to {home.Address}:6881", _lab.PortForwards(home));

            // The leecher knows only the tracker; the peer it is given must be the router's address and mapped port.
            await using var leecher = HostProcess.InNamespace(output, outside.Namespace,
                "download", torrent.TorrentPath, "-o", _dir.Sub("down"), "--bind", outside.Address.ToString(), "--port", "6881",
                "--no-dht", "--no-lsd", "--no-port-mapping", "--status-interval", "1s");
            Assert.Equal(0, await leecher.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "lecture"), Path.Combine(_dir.Sub("down"), "lecture"));
            await seeder.Process.StopAsync(TimeSpan.FromSeconds(10));
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_lab.PortForwards(home).Contains("6882", StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.DoesNotContain("6882", _lab.PortForwards(home));
    }
}
