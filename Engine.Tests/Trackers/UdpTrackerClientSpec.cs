using System.Buffers.Binary;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Peers;
using Engine.Tests.Support;
using Engine.Tests.TrackerServer;
using Engine.Trackers;
using Engine.TrackerServer;

namespace Engine.Tests.Trackers;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

/// <summary>The tracker client over UDP (BEP 15) against our own tracker, through a relay that drops, logs and injects packets.</summary>
public sealed class UdpTrackerClientSpec : TestKit, IAsyncLifetime
{
    private static readonly InfoHash Hash = InfoHash.FromHex("1234567890abcdef1234567890abcdef12345678");

    private static readonly TrackerSettings Fast = new()
    {
        MinimumInterval = TimeSpan.FromMilliseconds(200),
        RetryBase = TimeSpan.FromMilliseconds(100),
        RetryMax = TimeSpan.FromMilliseconds(400),
        RequestTimeout = TimeSpan.FromSeconds(2),
        UdpRetransmitBase = TimeSpan.FromMilliseconds(150),
        UdpMaxRetransmits = 3,
    };

    // An interval under a second reaches the client as 0 over UDP, so it announces every MinimumInterval.
    private readonly TrackerServer _tracker = new(new TrackerOptions { Interval = TimeSpan.FromMilliseconds(300), MinInterval = TimeSpan.Zero });
    private readonly List<IAsyncDisposable> _disposables = new();

    public Task InitializeAsync() => _tracker.StartAsync(null, new IPEndPoint(IPAddress.Loopback, 0));

    public async Task DisposeAsync()
    {
        foreach (var d in _disposables) await d.DisposeAsync();
        await _tracker.DisposeAsync();
    }

    private UdpRelay Relay(int dropFirst = 0)
    {
        var relay = UdpRelay.To(_tracker.UdpEndPoint!, dropFirst);
        _disposables.Add(relay);
        return relay;
    }

    /// <summary>Another peer in the swarm, so that an announce has someone to return.</summary>
    private IPEndPoint AddSeeder(int n = 1)
    {
        _tracker.WithRegistry((r, now) => r.Announce(TrackerTestData.Announce(Hash, n, left: 0), IPAddress.Loopback, now));
        return new IPEndPoint(IPAddress.Loopback, 6000 + n);
    }

    private IActorRef Client(string url, IActorRef peers, TrackerSettings? settings = null, long left = 1000) =>
        Sys.ActorOf(TrackerClient.Props(Hash, [[url]], PeerId.CreateOurs(), 7001, peers, new HttpClient(), settings ?? Fast, left));

    private TrackerClient.TrackerState State(IActorRef client)
    {
        client.Tell(new TrackerClient.GetTrackers());
        return Assert.Single(ExpectMsg<List<TrackerClient.TrackerState>>());
    }

    [Fact]
    public void Lost_packets_are_retransmitted_and_the_announce_still_gets_peers()
    {
        var seeder = AddSeeder();
        var relay = Relay(dropFirst: 2);
        var peers = CreateTestProbe();
        var client = Client(relay.AnnounceUrl, peers.Ref);
        var added = peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5));
        Assert.Contains(seeder, added.Peers);
        var seen = relay.Requests;
        Assert.Equal(2, relay.Dropped);
        Assert.Equal([0, 0, 0, 1], seen.Take(4).Select(s => s.Action));
        Assert.Single(seen.Take(3).Select(s => s.TransactionId).Distinct()); // a retransmission repeats the packet
        var first = seen[1].At - seen[0].At;
        var second = seen[2].At - seen[1].At;
        Assert.InRange(first.TotalMilliseconds, 120, 1000);   // 150 ms · 2⁰
        Assert.InRange(second.TotalMilliseconds, 250, 1500);  // 150 ms · 2¹
        var state = State(client);
        Assert.Equal("ok", state.Status);
        Assert.Equal(1, state.Seeders);
        Assert.Equal(1, _tracker.WithRegistry((r, _) => r.Scrape(Hash)).Incomplete); // the tracker knows us as a leecher
    }

    [Fact]
    public void A_connection_id_is_reused_within_its_lifetime_and_renewed_after_it()
    {
        AddSeeder();
        var relay = Relay();
        var lifetime = TimeSpan.FromSeconds(1);
        var client = Client(relay.AnnounceUrl, CreateTestProbe().Ref, Fast with { UdpConnectionIdLifetime = lifetime });
        AwaitCondition(() => relay.Requests.Count(s => s.Action == 0) >= 3, TimeSpan.FromSeconds(10));
        var seen = relay.Requests;
        var connects = seen.Select((s, i) => (s, i)).Where(x => x.s.Action == 0).ToList();
        for (var k = 1; k < connects.Count; k++)
        {
            // Between two connects the id was used more than once (announces every ~200 ms) ...
            var reused = seen.Skip(connects[k - 1].i + 1).Take(connects[k].i - connects[k - 1].i - 1).Count(s => s.Action == 1);
            Assert.True(reused >= 2, $"only {reused} announce(s) with connection id #{k}");
            // ... and never past its lifetime.
            Assert.True(connects[k].s.At - connects[k - 1].s.At >= lifetime - TimeSpan.FromMilliseconds(50),
                $"connect {k} came {(connects[k].s.At - connects[k - 1].s.At).TotalMilliseconds} ms after the previous one");
        }
        Assert.Equal("ok", State(client).Status);
    }

    [Fact]
    public void Answers_of_other_transactions_and_from_other_addresses_are_ignored()
    {
        var seeder = AddSeeder();
        var relay = Relay();
        const long bogusId = 0x0BAD_0BAD_0BAD;
        relay.BeforeAnswer = (answer, _) =>
        {
            var tx = BinaryPrimitives.ReadInt32BigEndian(answer.AsSpan(4));
            var wrongTx = new byte[16];
            UdpTrackerCodec.WriteConnectResponse(wrongTx, tx + 1, bogusId);
            var wrongTxError = new byte[40];
            var n = UdpTrackerCodec.WriteError(wrongTxError, tx - 1, "ignore me (wrong transaction)");
            return [wrongTx, wrongTxError[..n]];
        };
        relay.SpoofBeforeAnswer = answer =>
        {
            var tx = BinaryPrimitives.ReadInt32BigEndian(answer.AsSpan(4));
            var spoof = new byte[40];
            var n = UdpTrackerCodec.WriteError(spoof, tx, "ignore me (spoofed source)");
            return [spoof[..n]];
        };
        var peers = CreateTestProbe();
        var client = Client(relay.AnnounceUrl, peers.Ref);
        Assert.Contains(seeder, peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5)).Peers);
        Assert.DoesNotContain(relay.Requests, s => s.ConnectionId == bogusId);
        var state = State(client);
        Assert.Equal("ok", state.Status);
        Assert.Null(state.Error);
    }

    [Fact]
    public async Task An_error_from_the_tracker_is_surfaced_in_the_tracker_state()
    {
        await using var strict = new TrackerServer(new TrackerOptions { AllowList = new HashSet<InfoHash> { InfoHash.FromHex("ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00") } });
        await strict.StartAsync(null, new IPEndPoint(IPAddress.Loopback, 0));
        var peers = CreateTestProbe();
        var client = Client(strict.UdpAnnounceUrl!, peers.Ref);
        AwaitAssert(() => Assert.Contains("allow list", State(client).Error ?? ""), TimeSpan.FromSeconds(5));
        Assert.Equal("error", State(client).Status);
        peers.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Over_IPv6_the_client_gets_IPv6_peers()
    {
        await using var v6 = new TrackerServer(new TrackerOptions { Interval = TimeSpan.FromMinutes(1) });
        await v6.StartAsync(null, new IPEndPoint(IPAddress.IPv6Loopback, 0));
        v6.WithRegistry((r, now) => r.Announce(TrackerTestData.Announce(Hash, 5, left: 0), IPAddress.IPv6Loopback, now));
        Assert.StartsWith("udp://[::1]:", v6.UdpAnnounceUrl);
        var peers = CreateTestProbe();
        Client(v6.UdpAnnounceUrl!, peers.Ref);
        Assert.Equal([new IPEndPoint(IPAddress.IPv6Loopback, 6005)], peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5)).Peers);
    }

    [Fact]
    public void Scrape_over_UDP_reports_the_swarm_counts_and_stop_sends_stopped()
    {
        AddSeeder(1);
        AddSeeder(2);
        var relay = Relay();
        var peers = CreateTestProbe();
        var client = Client(relay.AnnounceUrl, peers.Ref);
        peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5));
        client.Tell(new TrackerClient.Scrape());
        var scrape = Assert.Single(ExpectMsg<TrackerClient.ScrapeResult>(TimeSpan.FromSeconds(5)).Trackers);
        Assert.Null(scrape.Error);
        Assert.Equal(new ScrapeStats(2, 0, 1, null), scrape.Stats);
        Assert.Contains(relay.Requests, s => s.Action == 2);
        var state = State(client);
        Assert.Equal((2, 1, 0), (state.Seeders, state.Leechers, state.Completed));
        Assert.NotNull(state.LastScrape);

        client.Tell(new TrackerClient.Stop());
        ExpectMsg<TrackerClient.Stopped>(TimeSpan.FromSeconds(3));
        AwaitAssert(() => Assert.Equal(0, _tracker.WithRegistry((r, _) => r.Scrape(Hash)).Incomplete), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_tracker_that_never_answers_fails_after_the_last_retransmission_and_is_retried_later()
    {
        var hole = UdpRelay.BlackHole();
        _disposables.Add(hole);
        var client = Client(hole.AnnounceUrl, CreateTestProbe().Ref, Fast with { UdpMaxRetransmits = 1, UdpRetransmitBase = TimeSpan.FromMilliseconds(100) });
        AwaitAssert(() => Assert.Contains("no answer", State(client).Error ?? ""), TimeSpan.FromSeconds(5));
        // 2 packets per round (100 ms + 200 ms), then the round backs off and starts again.
        AwaitCondition(() => hole.Requests.Count >= 4, TimeSpan.FromSeconds(5));
        Assert.All(hole.Requests, s => Assert.Equal(0, s.Action));
    }
}
