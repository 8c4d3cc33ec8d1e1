using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Utp;

/// <summary>
/// Whole downloads over uTP on loopback: between two of our engines (plain and encrypted), and with python3-libtorrent
/// refusing TCP both ways, in both directions, byte-exact.
/// </summary>
public sealed class UtpTransferTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("utp");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(EncryptionMode.Enabled)]
    [InlineData(EncryptionMode.Required)]
    public async Task A_leecher_that_dials_only_utp_downloads_from_our_seeder(EncryptionMode encryption)
    {
        var name = "ours-" + encryption;
        var torrent = TorrentFactory.CreateSeeded(_dir, name, 6 * 1024 * 1024 + 13, fileCount: 3, pieceLength: 64 * 1024);
        await using var seeder = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("s-" + name)) with { Encryption = encryption, UploadLimit = 3 * 1024 * 1024 });
        var seeding = await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        await using var leecher = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("l-" + name)) with { Utp = UtpMode.Only, Encryption = encryption });
        var leeching = await leecher.AddAsync(torrent.TorrentPath, _dir.Sub("down-" + name));
        leeching.AddPeers([new IPEndPoint(IPAddress.Loopback, seeder.ListenEndPoint!.Port)]);
        var peer = await UtpPeers.FirstAsync(leeching);
        Assert.True(peer.Utp, "the connection is not uTP");
        Assert.Equal(encryption == EncryptionMode.Required, peer.Encrypted);
        var seen = (await UtpPeers.FirstAsync(seeding)).Utp;
        Assert.True(seen, "the seeder does not see a uTP connection");
        await leeching.WaitForStateAsync(TorrentState.Seeding, Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), name), Path.Combine(_dir.Sub("down-" + name), name));
    }

    [Fact]
    [Trait("Category", "Interop")]
    public async Task A_libtorrent_leecher_that_refuses_tcp_downloads_from_us_over_utp()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "to-lt", 8 * 1024 * 1024 + 5, fileCount: 2, pieceLength: 128 * 1024);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")) with { UploadLimit = 2 * 1024 * 1024 });
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        var started = DateTime.UtcNow;
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down"),
            new LibtorrentOptions { NoTracker = true, Transport = "utp", ConnectTo = [engine.ListenEndPoint!.Port] });
        Assert.True((await UtpPeers.FirstAsync(seeding)).Utp);
        await libtorrent.WaitForCompletionAsync(Bound);
        output.WriteLine($"libtorrent (uTP only) leeched {torrent.Name} from us in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Fact]
    [Trait("Category", "Interop")]
    public async Task We_download_from_a_libtorrent_seeder_that_refuses_tcp()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "from-lt", 8 * 1024 * 1024 + 9, fileCount: 2, pieceLength: 128 * 1024);
        // At 2 MiB/s the connection lives for seconds, long enough to be looked at.
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"),
            new LibtorrentOptions { NoTracker = true, Transport = "utp", UploadLimit = 2 * 1024 * 1024 });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        // libtorrent accepts TCP connections and then drops them when TCP is off: dial uTP first (TCP if it gets no answer).
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")) with { Utp = UtpMode.Preferred });
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        var started = DateTime.UtcNow;
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        Assert.True((await UtpPeers.FirstAsync(handle)).Utp);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        output.WriteLine($"we leeched {torrent.Name} from libtorrent (uTP only) in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Fact]
    [Trait("Category", "Interop")]
    public async Task A_libtorrent_seeder_killed_mid_transfer_is_dropped_within_seconds_not_after_a_minute_and_a_half()
    {
        // A killed process sends no uTP FIN. Our leecher, waiting for blocks, probes the silent peer with a keep-alive;
        // the closed port answers it with an ICMP error, which ends the connection at its next retransmission timeout.
        // Before either, the request timeout (30 s) and six backed-off retransmissions took about 80 s.
        var torrent = TorrentFactory.CreateSeeded(_dir, "killed-lt", 8 * 1024 * 1024 + 1, fileCount: 1, pieceLength: 64 * 1024);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"),
            new LibtorrentOptions { NoTracker = true, Transport = "utp", UploadLimit = 512 * 1024 });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state-killed")) with { Utp = UtpMode.Only });
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down-killed"));
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        Assert.True((await UtpPeers.FirstAsync(handle)).Utp);
        for (var until = DateTime.UtcNow + TimeSpan.FromSeconds(30); (await handle.GetPeersAsync()).Sum(p => p.Downloaded) < 256 * 1024; await Task.Delay(100))
            Assert.True(DateTime.UtcNow < until, "no 256 KiB from libtorrent within 30 s");

        await libtorrent.Process.SignalAsync(9);
        var killed = DateTime.UtcNow;
        while ((await handle.GetPeersAsync()).Count > 0 && DateTime.UtcNow - killed < TimeSpan.FromSeconds(40)) await Task.Delay(100);
        var after = DateTime.UtcNow - killed;
        output.WriteLine($"the killed seeder's connection ended {after.TotalSeconds:0.0} s after the kill");
        Assert.Empty(await handle.GetPeersAsync());
        Assert.True(after < TimeSpan.FromSeconds(15), $"the connection ended {after.TotalSeconds:0.0} s after the kill");
    }

    [Fact]
    [Trait("Category", "Interop")]
    public async Task When_we_stop_libtorrent_sees_our_utp_connection_end_rather_than_time_out()
    {
        // libtorrent hands the end of a uTP stream to its peer only once its own FIN is acknowledged; an ACK it ignores
        // leaves the connection up until it times out, and meanwhile a restarted engine's connection from the same
        // listen address is refused as a duplicate.
        var torrent = TorrentFactory.CreateSeeded(_dir, "close-lt", 1024 * 1024 + 7, fileCount: 1, pieceLength: 64 * 1024);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"),
            new LibtorrentOptions { NoTracker = true, Transport = "utp" });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state-close")) with { Utp = UtpMode.Only });
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down-close"));
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        await engine.DisposeAsync();
        var stopped = DateTime.UtcNow;
        string? ended = null;
        while (ended is null && DateTime.UtcNow - stopped < TimeSpan.FromSeconds(20))
        {
            ended = libtorrent.Process.LogLines().FirstOrDefault(l => l.Contains("peer_disconnected_alert", StringComparison.Ordinal) && l.Contains("(uTP)", StringComparison.Ordinal));
            if (ended is null) await Task.Delay(100);
        }
        var after = DateTime.UtcNow - stopped;
        output.WriteLine($"libtorrent after {after.TotalSeconds:0.0} s: {ended}");
        Assert.NotNull(ended);
        Assert.DoesNotContain("timed out", ended);
        Assert.True(after < TimeSpan.FromSeconds(3), $"libtorrent took {after.TotalSeconds:0.0} s to drop the connection");
    }

    [Fact]
    [Trait("Category", "Interop")]
    public async Task A_default_engine_whose_tcp_connection_libtorrent_drops_redials_it_over_utp_and_downloads()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "redial-lt", 4 * 1024 * 1024 + 3, fileCount: 2, pieceLength: 64 * 1024);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"),
            new LibtorrentOptions { NoTracker = true, Transport = "utp" });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        // The default: TCP first. libtorrent accepts the TCP connection and closes it; the next dial goes over uTP.
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state-redial")));
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down-redial"));
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        // libtorrent closes every TCP connection, so the download can only complete over uTP (it takes well under a
        // second once the uTP dial is made: too fast to catch the peer in the list).
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down-redial"), torrent.Name));
    }
}
