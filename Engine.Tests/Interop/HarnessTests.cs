using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// Proves the interop harness with real transfers among real programs (no engine code): each data set goes from a
/// seeder to a leecher through opentracker and must arrive byte-identical.
/// </summary>
[Trait("Category", "Interop")]
public sealed class HarnessTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Transfer = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 120_000)]
    public async Task Libtorrent_seeder_to_aria2_leecher_through_opentracker_is_byte_identical()
    {
        await using var swarm = await SwarmAsync(11);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("libtorrent seeding and announced");

        await using var leecher = await Aria2Peer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("aria2"));
        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("aria2c complete");

        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
    }

    [Fact(Timeout = 120_000)]
    public async Task Libtorrent_seeder_to_transmission_leecher_through_opentracker_is_byte_identical()
    {
        await using var swarm = await SwarmAsync(12);
        // Transmission 3.00 never dials loopback peers it learns from a tracker, so it announces first
        // and the seeder (which gets its address from the tracker) connects to it.
        await using var leecher = await TransmissionPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("transmission"));
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 0, leechers: 1, Step);
        swarm.Mark("transmission announced");

        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        swarm.Mark("libtorrent seeding");

        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("transmission complete and stopped");

        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
    }

    [Fact(Timeout = 120_000)]
    public async Task Aria2_seeder_to_libtorrent_leecher_through_opentracker_is_byte_identical()
    {
        await using var swarm = await SwarmAsync(13);
        await using var seeder = await Aria2Peer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("aria2c seeding and announced");

        await using var leecher = await LibtorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("libtorrent"));
        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("libtorrent complete");

        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
    }

    [Fact(Timeout = 120_000)]
    public async Task Transmission_seeder_to_libtorrent_leecher_through_opentracker_is_byte_identical()
    {
        await using var swarm = await SwarmAsync(14);
        await using var seeder = await TransmissionPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        await seeder.WaitUntilSeedingAsync(Step);
        await swarm.Tracker.WaitForSwarmAsync(swarm.Torrent.InfoHashHex, seeders: 1, leechers: 0, Step);
        swarm.Mark("transmission verified its data, seeding and announced");

        await using var leecher = await LibtorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("libtorrent"));
        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("libtorrent complete");

        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
    }

    [Fact(Timeout = 120_000)]
    public async Task Libtorrent_peers_connect_directly_without_a_tracker()
    {
        await using var swarm = await SwarmAsync(15);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new LibtorrentOptions { NoTracker = true });
        await seeder.WaitUntilSeedingAsync(Step);

        await using var leecher = await LibtorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("libtorrent"),
            new LibtorrentOptions { NoTracker = true, ConnectTo = [seeder.Port] });
        await leecher.WaitForCompletionAsync(Transfer);
        swarm.Mark("libtorrent leecher complete");

        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
        var scrape = await swarm.Tracker.ScrapeAsync(swarm.Torrent.InfoHashHex);
        Assert.Equal(new ScrapeResult(0, 0, 0), scrape); // nobody announced
    }

    [Fact(Timeout = 120_000)]
    public async Task Libtorrent_peers_listen_on_and_connect_to_ipv6_loopback()
    {
        await using var swarm = await SwarmAsync(17);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir, new LibtorrentOptions { NoTracker = true, Host = "::1" });
        await seeder.WaitUntilSeedingAsync(Step);

        await using var leecher = await LibtorrentPeer.StartLeecherAsync(swarm.Torrent, swarm.Tmp.Sub("libtorrent"), new LibtorrentOptions { NoTracker = true, Host = "::1" });
        leecher.ConnectTo(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, seeder.Port));
        await leecher.WaitForCompletionAsync(Transfer);

        DirectoryComparer.AssertIdentical(swarm.Data.Root, leecher.DataPath);
        var peer = Assert.Single(leecher.PeersSeen);
        Assert.Equal($"[::1]:{seeder.Port}", peer.EndPoint);
        Assert.False(peer.FromPex);
    }

    [Fact(Timeout = 60_000)]
    public async Task Libtorrent_seeder_with_incomplete_data_fails_fast_with_its_log()
    {
        await using var swarm = await SwarmAsync(16);
        var damaged = Path.Combine(swarm.Data.Root, swarm.Data.Files[0].RelativePath);
        var bytes = await File.ReadAllBytesAsync(damaged);
        bytes[1000] ^= 0xFF;
        await File.WriteAllBytesAsync(damaged, bytes);

        await using var seeder = await LibtorrentPeer.StartSeederAsync(swarm.Torrent, swarm.SeedDir);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => seeder.WaitUntilSeedingAsync(Step));
        Assert.Contains("seed data incomplete after checking", e.Message);
        Assert.Contains("libtorrent_peer.py", e.Message); // the command line and log are in the message
    }

    /// <summary>~12 MiB over 7 files, 64 KiB pieces, opentracker.</summary>
    private Task<InteropSwarm> SwarmAsync(int seed) => InteropSwarm.CreateAsync(output, "harness", 12 * MiB + 54321, seed, fileCount: 7, pieceLength: 64 * 1024);
}
