using System.Diagnostics;
using System.Net;
using Engine.Core.Primitives;
using Engine.Tests.Interop;
using Engine.TrackerServer;
using Xunit.Abstractions;

namespace Engine.Tests.TrackerServer;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

/// <summary>
/// Real programs use OUR tracker: python3-libtorrent seeds, aria2c and transmission-cli leech, over HTTP and over
/// UDP announce URLs; both leechers must end up byte-identical and the tracker must have seen every one of them.
/// </summary>
[Trait("Category", "Interop")]
public sealed class TrackerInteropTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Transfer = TimeSpan.FromSeconds(40);

    [Fact(Timeout = 60_000)]
    public Task Libtorrent_seeds_to_aria2_and_transmission_through_our_http_tracker() => RunSwarm(udp: false, seed: 51);

    [Fact(Timeout = 60_000)]
    public Task Libtorrent_seeds_to_aria2_and_transmission_through_our_udp_tracker() => RunSwarm(udp: true, seed: 52);

    private async Task RunSwarm(bool udp, int seed)
    {
        var clock = Stopwatch.StartNew();
        void Mark(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.00} s  {what}");
        using var tmp = new TempDir("our-tracker");
        await using var tracker = new TrackerServer(new TrackerOptions { Interval = TimeSpan.FromSeconds(30), MinInterval = TimeSpan.FromSeconds(1) });
        await tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0));
        var url = udp ? tracker.UdpAnnounceUrl! : tracker.HttpAnnounceUrl!;
        var data = TestData.CreateTree(tmp.Sub("seed"), "payload", 6 * MiB + 4321, seed, fileCount: 4);
        var torrent = TorrentFactory.Create(data.Root, url, 64 * 1024, Path.Combine(tmp, "payload.torrent"));
        var hash = torrent.InfoHash;
        Mark($"tracker {url}, torrent {hash}");

        // Transmission 3.00 never dials loopback peers, and libtorrent honours a 60 s minimum between UDP announces:
        // so both leechers announce first and the seeder, whose first announce lists them, dials them.
        await using var transmission = await TransmissionPeer.StartLeecherAsync(torrent, tmp.Sub("transmission"), new TransmissionOptions { KeepSeeding = true });
        // aria2 sends UDP tracker requests from its DHT socket: without DHT it aborts udp:// announces.
        var aria2Options = udp
            ? new Aria2Options { ExtraArguments = ["--enable-dht=true", $"--dht-listen-port={PortAllocator.Next()}", $"--dht-file-path={Path.Combine(tmp, "dht.dat")}"] }
            : new Aria2Options();
        await using var aria2 = await Aria2Peer.StartLeecherAsync(torrent, tmp.Sub("aria2"), aria2Options);
        await tracker.WaitForSwarmAsync(hash, seeders: 0, leechers: 2, Step, transmission, aria2);
        Mark("aria2c and transmission announced");

        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, Path.Combine(tmp, "seed"), new LibtorrentOptions { KeepSeeding = true });
        await seeder.WaitUntilSeedingAsync(Step);
        Mark("libtorrent seeding");

        await Task.WhenAll(aria2.WaitForCompletionAsync(Transfer), transmission.WaitForCompletionAsync(Transfer));
        Mark("both leechers complete");
        // Transmission keeps running and tells the tracker it completed.
        await tracker.WaitUntilAsync(r => r.Scrape(hash).Downloaded >= 1, "a 'completed' announce", Step, transmission);
        Mark($"the tracker counted {tracker.WithRegistry((r, _) => r.Scrape(hash).Downloaded)} completion(s)");
        var peers = tracker.WithRegistry((r, _) => r.Peers(hash)!);
        Assert.Contains(peers, p => p.Endpoint.Port == seeder.Port && p.IsSeeder && p.PeerId.ClientName == "libtorrent 2.0.8");
        Assert.Contains(peers, p => p.Endpoint.Port == transmission.Port && p.IsSeeder && p.PeerId.ClientName == "Transmission 3.00");
        await transmission.StopAsync(); // SIGTERM: it flushes its cache (but sends no 'stopped')

        // libtorrent says 'stopped' when it shuts down: the tracker drops it at once. Over UDP its shutdown
        // announce is not reliable (one run in several it never arrived), so only HTTP asserts it.
        var seederPort = seeder.Port;
        await seeder.StopAsync();
        try
        {
            await tracker.WaitUntilAsync(r => r.Peers(hash)!.All(p => p.Endpoint.Port != seederPort), "libtorrent's 'stopped' announce", Step, seeder);
            Mark("libtorrent stopped and left the swarm");
        }
        catch (TimeoutException) when (udp)
        {
            Mark("libtorrent's 'stopped' over UDP did not arrive (known libtorrent shutdown behaviour, see docs/interop.md)");
        }

        DirectoryComparer.AssertIdentical(data.Root, aria2.DataPath);
        DirectoryComparer.AssertIdentical(data.Root, transmission.DataPath);
    }
}
