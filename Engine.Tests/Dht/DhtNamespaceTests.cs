using System.Diagnostics;
using Engine.Tests.Host;
using Engine.Tests.Interop;
using Engine.Tests.Lab;
using Xunit.Abstractions;

namespace Engine.Tests.Dht;

/// <summary>
/// The console host and python3-libtorrent in a network namespace the test makes (only its loopback, 127.0.0.0/8 for
/// them alone): a private DHT of libtorrent sessions, and our host finding peers in it — and found in it — with nothing
/// but an info-hash: no tracker, no peer address, no local discovery.
/// </summary>
[Trait("Category", "Interop")]
public sealed class DhtNamespaceTests(ITestOutputHelper output) : NamespaceTests("dht-ns")
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private TestTorrent Torrent(string name)
    {
        return TorrentFactory.CreateSeeded(Dir, name, 2 * 1024 * 1024 + 33, fileCount: 2);
    }

    private static string[] Bootstrap(IEnumerable<string> nodes) => nodes.SelectMany(n => new[] { "--dht-bootstrap", n }).ToArray();

    [Fact]
    public async Task The_host_finds_a_libtorrent_seeder_with_dht_get_peers_then_downloads_its_bare_magnet()
    {
        var torrent = Torrent("seminar");
        var port = PortAllocator.Next();
        await using var libtorrent = await LibtorrentDht.StartAsync(port, seedTorrent: torrent.TorrentPath, dataDirectory: Dir.Sub("seed"), netNamespace: Ns.Name);
        var seeder = $"127.0.0.2:{port}";

        // libtorrent announces a few seconds after it starts: a lookup before that rightly finds nobody, so ask again (bounded).
        var found = false;
        for (var attempt = 0; attempt < 6 && !found; attempt++)
        {
            if (attempt > 0) await Task.Delay(TimeSpan.FromSeconds(3));
            await using var lookup = HostProcess.InNamespace(output, Ns.Name,
                ["dht", "get-peers", torrent.InfoHashHex, "--bind", "127.0.0.1", "--port", "0", "--timeout", "20s", .. Bootstrap(libtorrent.Nodes)]);
            Assert.Equal(0, await lookup.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            found = lookup.Lines.Any(l => l.Trim() == seeder);
        }
        Assert.True(found, $"dht get-peers never listed the seeder {seeder}");

        var clock = Stopwatch.StartNew();
        await using var download = HostProcess.InNamespace(output, Ns.Name,
            ["download", $"magnet:?xt=urn:btih:{torrent.InfoHashHex}", "-o", Dir.Sub("down"), "--bind", "127.0.0.1", "--port", "0", "--no-lsd",
             "--status-interval", "250ms", .. Bootstrap(libtorrent.Nodes)]);
        Assert.Equal(0, await download.ExitCodeAsync(Bound));
        DirectoryComparer.AssertIdentical(Path.Combine(Dir.Sub("seed"), "seminar"), Path.Combine(Dir.Sub("down"), "seminar"));
        Assert.Contains(download.Lines, l => l.StartsWith("completed: seminar", StringComparison.Ordinal));
        output.WriteLine($"the bare magnet completed {clock.Elapsed.TotalSeconds:F1} s after the host started");
    }

    [Fact]
    public async Task A_libtorrent_leecher_given_only_the_info_hash_downloads_from_the_seeding_host()
    {
        var torrent = Torrent("keynote");
        var port = PortAllocator.Next();
        await using var dht = await LibtorrentDht.StartAsync(port, nodes: 3, netNamespace: Ns.Name);
        await using var seed = HostProcess.InNamespace(output, Ns.Name,
            ["seed", torrent.TorrentPath, "--data", Dir.Sub("seed"), "--bind", "127.0.0.1", "--port", "0", "--no-lsd", .. Bootstrap(dht.Nodes)]);
        var line = await seed.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));
        var ours = line[(line.LastIndexOf("seeding on ", StringComparison.Ordinal) + "seeding on ".Length)..].Trim();
        await using var leecher = await LibtorrentDht.StartAsync(port, nodes: 1, firstAddress: "127.0.0.20", bootstrap: [ours, dht.Nodes[1]],
            leechInfoHash: torrent.InfoHashHex, dataDirectory: Dir.Sub("down"), netNamespace: Ns.Name);
        await leecher.WaitForDownloadAsync(Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(Dir.Sub("seed"), "keynote"), Path.Combine(Dir.Sub("down"), "keynote"));
    }

    [Fact]
    public async Task Over_ipv6_dht_get_peers_finds_a_libtorrent_seeder_through_libtorrent_nodes()
    {
        // BEP 32: the same private DHT with IPv6 addresses only (fd77::2 and up on the namespace's loopback).
        for (var i = 2; i <= 4; i++) Ns.AddAddress(System.Net.IPAddress.Parse($"fd77::{i}"));
        Ns.AddAddress(System.Net.IPAddress.Parse("fd77::20"));
        var torrent = Torrent("seminar-v6");
        var port = PortAllocator.Next();
        await using var libtorrent = await LibtorrentDht.StartAsync(port, firstAddress: "fd77::2", seedTorrent: torrent.TorrentPath,
            dataDirectory: Dir.Sub("seed"), netNamespace: Ns.Name);
        var seeder = $"[fd77::2]:{port}";
        var found = false;
        for (var attempt = 0; attempt < 6 && !found; attempt++)
        {
            if (attempt > 0) await Task.Delay(TimeSpan.FromSeconds(3));
            await using var lookup = HostProcess.InNamespace(output, Ns.Name,
                ["dht", "get-peers", torrent.InfoHashHex, "--bind", "fd77::20", "--port", "0", "--timeout", "20s", .. Bootstrap(libtorrent.Nodes)]);
            Assert.Equal(0, await lookup.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            found = lookup.Lines.Any(l => l.Trim() == seeder);
        }
        Assert.True(found, $"dht get-peers over IPv6 never listed the seeder {seeder}");
    }
}
