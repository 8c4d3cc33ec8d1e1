using System.Globalization;
using Engine.Tests.Host;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// Our console host and tracker in a network namespace a test made (<see cref="Lab.NetNamespace"/>), beside a client
/// that listens on every interface and so may run only there. Everything binds 127.0.0.1 inside the namespace.
/// </summary>
public static class NamespacedHost
{
    /// <summary>Our tracker, telling clients to announce again every 10 s (its shortest), so start-up order costs at most that.</summary>
    public static async Task<(HostProcess Tracker, string Announce)> StartTrackerAsync(ITestOutputHelper output, string netNamespace)
    {
        var port = PortAllocator.Next().ToString(CultureInfo.InvariantCulture);
        var tracker = HostProcess.InNamespace(output, netNamespace, ["tracker", "--http", port, "--bind", "127.0.0.1", "--interval", "10s"]);
        await tracker.WaitForLineAsync("http tracker:", TimeSpan.FromSeconds(30));
        return (tracker, $"http://127.0.0.1:{port}/announce");
    }

    /// <summary>
    /// The host seeding <paramref name="torrent"/>'s data in <paramref name="dataDir"/>, once it has checked it and listens
    /// — and, with <paramref name="announce"/>, once that tracker lists it as a seeder (a client that asks first would
    /// get no peer, and some ask again only minutes later).
    /// </summary>
    public static async Task<HostProcess> StartSeedAsync(ITestOutputHelper output, string netNamespace, TestTorrent torrent, string dataDir, string? announce = null)
    {
        var seed = HostProcess.InNamespace(output, netNamespace,
            ["seed", torrent.TorrentPath, "--data", dataDir, "--bind", "127.0.0.1", "--port", "0", "--no-lsd", "--no-dht"]);
        await seed.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));
        if (announce is not null) await WaitUntilListedAsync(output, netNamespace, announce, torrent.InfoHashHex);
        return seed;
    }

    private static async Task WaitUntilListedAsync(ITestOutputHelper output, string netNamespace, string announce, string infoHashHex)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var peers = HostProcess.InNamespace(output, netNamespace, ["tracker", "peers", infoHashHex, "-t", announce]);
            await peers.ExitCodeAsync(TimeSpan.FromSeconds(20));
            if (peers.Lines.Any(line => line.Contains(" seeder ", StringComparison.Ordinal))) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the tracker {announce} did not list the seeding host within 30 s");
            await Task.Delay(200);
        }
    }

    /// <summary>The host downloading <paramref name="source"/> (a .torrent or a magnet) into <paramref name="outputDir"/>; it exits 0 once complete.</summary>
    public static HostProcess StartDownload(ITestOutputHelper output, string netNamespace, string source, string outputDir, params string[] options) =>
        HostProcess.InNamespace(output, netNamespace,
            ["download", source, "-o", outputDir, "--bind", "127.0.0.1", "--port", "0", "--no-lsd", "--no-dht", "--status-interval", "2s", .. options]);
}
