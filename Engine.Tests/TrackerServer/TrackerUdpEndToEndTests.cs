using System.Buffers.Binary;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.TrackerServer;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

public sealed class TrackerUdpEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private TrackerServer _tracker = new(new TrackerOptions { AllowList = null });
    private UdpTestClient _client = null!;

    public async Task InitializeAsync() => await Start(new TrackerOptions());

    private async Task Start(TrackerOptions options)
    {
        await _tracker.DisposeAsync();
        _client?.Dispose();
        _tracker = new TrackerServer(options);
        await _tracker.StartAsync(null, new IPEndPoint(IPAddress.Loopback, 0));
        _client = new UdpTestClient(_tracker.UdpEndPoint!);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _tracker.DisposeAsync();
    }

    private async Task AssertStillAnswersAsync()
    {
        var hash = Hash(9999);
        await _client.AnnounceAsync(Announce(hash, 1));
        var answer = await _client.AnnounceAsync(Announce(hash, 2));
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 6001), answer.Peers);
    }

    [Fact]
    public async Task Two_peers_announcing_over_udp_find_each_other_and_scrape_counts_them()
    {
        var hash = Hash(1);
        Assert.Empty((await _client.AnnounceAsync(Announce(hash, 1, e: AnnounceEvent.Started))).Peers);
        var second = await _client.AnnounceAsync(Announce(hash, 2, left: 0, e: AnnounceEvent.Completed));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 6001)], second.Peers);
        Assert.Equal((1, 1), (second.Seeders, second.Leechers));
        Assert.Equal(TimeSpan.FromMinutes(15), second.Interval);

        var scrape = Assert.IsType<UdpScrapeResponse>(await _client.ScrapeAsync(await _client.ConnectAsync(), [hash, Hash(2)]));
        Assert.Equal([new ScrapeStats(1, 1, 1, null), new ScrapeStats(0, 0, 0, null)], scrape.Entries);

        var stopped = await _client.AnnounceAsync(Announce(hash, 2, left: 0, e: AnnounceEvent.Stopped));
        Assert.Equal((0, 1), (stopped.Seeders, stopped.Leechers));
    }

    [Fact]
    public async Task Forged_connection_ids_get_an_error_and_the_tracker_still_answers()
    {
        var real = await _client.ConnectAsync();
        foreach (var forged in new[] { 0L, real ^ 1, UdpTrackerCodec.ProtocolId, Random.Shared.NextInt64() })
        {
            var error = Assert.IsType<UdpErrorResponse>(await _client.AnnounceAsync(forged, Announce(Hash(1), 1)));
            Assert.Equal("bad connection id", error.Message);
            Assert.IsType<UdpErrorResponse>(await _client.ScrapeAsync(forged, [Hash(1)]));
        }
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task A_connection_id_issued_to_another_client_is_refused()
    {
        using var other = new UdpTestClient(_tracker.UdpEndPoint!);
        var stolen = await other.ConnectAsync();
        Assert.IsType<UdpErrorResponse>(await _client.AnnounceAsync(stolen, Announce(Hash(1), 1)));
    }

    [Fact]
    public async Task Garbage_and_oversized_packets_are_dropped_silently_and_the_tracker_still_answers()
    {
        var rng = new Random(5);
        var oversized = new byte[UdpTrackerCodec.MaxRequestLength + 1];
        UdpTrackerCodec.WriteConnectRequest(oversized, 1);
        var truncated = new byte[97];
        UdpTrackerCodec.WriteConnectRequest(truncated, 1);
        BinaryPrimitives.WriteInt32BigEndian(truncated.AsSpan(8), 1);
        var packets = new List<byte[]> { Array.Empty<byte>(), new byte[] { 1, 2, 3 }, new byte[16], oversized, new byte[9000], truncated };
        for (var i = 0; i < 20; i++)
        {
            var p = new byte[rng.Next(1, 200)];
            rng.NextBytes(p);
            packets.Add(p);
        }
        foreach (var packet in packets) await _client.SendAsync(packet);
        Assert.Null(await _client.ReceiveAsync(Quiet));
        Assert.True(_tracker.UdpDropped >= packets.Count - 1, $"dropped {_tracker.UdpDropped}"); // an empty datagram may not be delivered
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Invalid_announce_fields_get_an_error_naming_them()
    {
        var id = await _client.ConnectAsync();
        var packet = new byte[98];
        UdpTrackerCodec.WriteAnnounceRequest(packet, id, 77, Announce(Hash(1), 1));
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(80), 9);
        var error = Assert.IsType<UdpErrorResponse>(await _client.RequestAsync(packet, UdpAction.Announce, 77));
        Assert.Equal("unknown event 9", error.Message);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Torrents_off_the_allow_list_get_an_error()
    {
        await Start(new TrackerOptions { AllowList = new HashSet<InfoHash> { Hash(9999) } });
        var error = Assert.IsType<UdpErrorResponse>(await _client.AnnounceAsync(await _client.ConnectAsync(), Announce(Hash(1), 1)));
        Assert.Contains("allow list", error.Message);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Large_swarms_get_a_list_that_fits_one_datagram()
    {
        await Start(new TrackerOptions { MaxNumWant = 1000 });
        var hash = Hash(1);
        _tracker.WithRegistry((r, now) =>
        {
            for (var p = 0; p < 600; p++) r.Announce(Announce(hash, p) with { Port = 10000 + p }, Ip(p + 256), now);
            return 0;
        });
        var answer = await _client.AnnounceAsync(Announce(hash, 9999, numWant: 1000));
        Assert.Equal((1452 - 20) / 6, answer.Peers.Count);
    }

    [Fact]
    public async Task Flood_of_100000_random_announces_stays_within_the_caps()
    {
        var options = new TrackerOptions { MaxTorrents = 1000, MaxPeers = 3000, MaxPeersPerTorrent = 20 };
        await Start(options);
        var id = await _client.ConnectAsync();
        var rng = new Random(8);
        var packet = new byte[98];
        using var drain = new CancellationTokenSource();
        var received = 0;
        using var flooder = new UdpTestClient(_tracker.UdpEndPoint!);
        var floodId = await flooder.ConnectAsync();
        var drainer = Task.Run(async () =>
        {
            while (!drain.IsCancellationRequested)
                if (await flooder.ReceiveAsync(TimeSpan.FromMilliseconds(200)) is not null) received++;
        });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        for (var i = 0; i < 100_000 && DateTime.UtcNow < deadline; i++)
        {
            UdpTrackerCodec.WriteAnnounceRequest(packet, floodId, i, Announce(RandomHash(rng), rng.Next()));
            await flooder.SendAsync(packet);
            if (i % 64 == 0) await Task.Yield();
        }
        await Task.Delay(500);
        drain.Cancel();
        await drainer;
        var (torrents, peers) = _tracker.WithRegistry((r, _) => (r.UnpublishedTorrentCount, r.PeerCount));
        Assert.InRange(torrents, 1, options.MaxTorrents);
        Assert.InRange(peers, 1, options.MaxPeers);
        Assert.True(received > 1000, $"only {received} answers");
        Assert.IsType<UdpAnnounceResponse>(await _client.AnnounceAsync(id, Announce(Hash(1), 1)));
        await AssertStillAnswersAsync();
    }
}
