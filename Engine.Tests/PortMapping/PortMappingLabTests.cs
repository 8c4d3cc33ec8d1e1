using Engine.Tests.Host;
using Engine.Tests.Interop;
using Engine.Tests.Lab;
using Xunit.Abstractions;

namespace Engine.Tests.PortMapping;

/// <summary>
/// NAT-PMP against miniupnpd on a lab NAT router: our seeder behind it asks for its port; a leecher on the public side,
/// told only the router's address, connects through the forward and downloads; when the seeder stops, the forward is gone.
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
    public async Task A_seeder_behind_nat_maps_its_port_and_a_public_leecher_reaches_it_through_the_router()
    {
        var home = _lab.AddHostBehindNat("home", portMapping: true);
        var outside = _lab.AddHost("outside");
        var torrent = TorrentFactory.CreateSeeded(_dir, "holiday", 4 * 1024 * 1024 + 5, fileCount: 2);

        await using (var seeder = HostProcess.InNamespace(output, home.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", "0.0.0.0", "--port", "6881", "--no-dht", "--no-lsd", "--port-mapping"))
        {
            var mapped = await seeder.WaitForLineAsync("port mapping:", TimeSpan.FromSeconds(30));
            Assert.Contains($"{home.PublicAddress}:6881 (TCP) and :6881 (UDP)", mapped);
            Assert.Contains("6881", _lab.PortForwards(home));

            await using var leecher = HostProcess.InNamespace(output, outside.Namespace,
                "download", torrent.TorrentPath, "-o", _dir.Sub("down"), "--bind", outside.Address.ToString(), "--port", "6881",
                "--peer", $"{home.PublicAddress}:6881", "--no-dht", "--no-lsd", "--status-interval", "1s");
            Assert.Equal(0, await leecher.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "holiday"), Path.Combine(_dir.Sub("down"), "holiday"));
            await seeder.Process.StopAsync(TimeSpan.FromSeconds(10)); // Ctrl+C: the engine stops and removes its mappings
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_lab.PortForwards(home).Contains("6881", StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.DoesNotContain("6881", _lab.PortForwards(home));
    }
}
