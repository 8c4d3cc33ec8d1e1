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

/// <summary>BEP 12 announce lists mixing UDP and HTTP trackers: fall-through between tiers, answering trackers move to the front.</summary>
public sealed class MultiTrackerSpec : TestKit, IAsyncLifetime
{
    private static readonly InfoHash Hash = InfoHash.FromHex("abcdefabcdefabcdefabcdefabcdefabcdefabcd");

    private static readonly TrackerSettings Fast = new()
    {
        MinimumInterval = TimeSpan.FromMilliseconds(200),
        RetryBase = TimeSpan.FromMilliseconds(100),
        RetryMax = TimeSpan.FromMilliseconds(400),
        RequestTimeout = TimeSpan.FromSeconds(2),
        UdpRetransmitBase = TimeSpan.FromMilliseconds(100),
        UdpMaxRetransmits = 1,
    };

    private readonly TrackerServer _tracker = new(new TrackerOptions { Interval = TimeSpan.FromMilliseconds(300), MinInterval = TimeSpan.Zero });
    private readonly UdpRelay _deadUdp = UdpRelay.BlackHole();
    private readonly TinyHttpServer _deadHttp = new(_ => (503, "down"u8.ToArray()));

    public async Task InitializeAsync()
    {
        await _tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0));
        _tracker.WithRegistry((r, now) => r.Announce(TrackerTestData.Announce(Hash, 1, left: 0), IPAddress.Loopback, now));
    }

    public async Task DisposeAsync()
    {
        await _deadUdp.DisposeAsync();
        await _deadHttp.DisposeAsync();
        await _tracker.DisposeAsync();
    }

    private IActorRef Client(IReadOnlyList<IReadOnlyList<string>> tiers, IActorRef peers) =>
        Sys.ActorOf(TrackerClient.Props(Hash, tiers, PeerId.CreateOurs(), 7002, peers, new HttpClient(), Fast, left: 500));

    private List<TrackerClient.TrackerState> States(IActorRef client)
    {
        client.Tell(new TrackerClient.GetTrackers());
        return ExpectMsg<List<TrackerClient.TrackerState>>();
    }

    [Fact]
    public void A_dead_first_tier_falls_through_to_a_working_second_tier_of_UDP_and_HTTP()
    {
        var peers = CreateTestProbe();
        var client = Client([[_deadUdp.AnnounceUrl, _deadHttp.Url("/announce")], [_tracker.UdpAnnounceUrl!, _tracker.HttpAnnounceUrl!], ["wss://unsupported.example/announce"]], peers.Ref);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 6001), peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5)).Peers);
        Assert.NotEmpty(_deadUdp.Requests);
        Assert.NotEmpty(_deadHttp.Requests);

        var states = States(client);
        Assert.Equal([0, 0, 1, 1, -1], states.Select(s => s.Tier));
        Assert.All(states.Take(2), s => Assert.Equal("error", s.Status));
        Assert.Contains(states, s => s.Error?.Contains("no answer from the UDP tracker") == true);
        Assert.Contains(states, s => s.Error?.Contains("HTTP 503") == true);
        Assert.Equal("ok", states[2].Status); // whichever of the second tier answered is now its first
        Assert.Equal("unsupported scheme", states[4].Status);

        // Both halves of the working tier are usable: scrape asks every tracker, UDP and HTTP alike.
        client.Tell(new TrackerClient.Scrape());
        var scrape = ExpectMsg<TrackerClient.ScrapeResult>(TimeSpan.FromSeconds(5)).Trackers;
        Assert.Equal(4, scrape.Count);
        Assert.All(scrape.Where(s => s.Url.Contains(_tracker.HttpEndPoint!.Port.ToString()) || s.Url == _tracker.UdpAnnounceUrl),
            s => Assert.Equal(1, s.Stats!.Complete));
        Assert.Equal(2, scrape.Count(s => s.Error is not null));
    }

    [Fact]
    public async Task The_tracker_that_answered_moves_to_the_front_and_later_announces_go_to_it_first()
    {
        var working = 0;
        byte[] body = [.. "d8:intervali1e5:peers6:"u8, 127, 0, 0, 1, 0x1b, 0x58, (byte)'e'];
        await using var good = new TinyHttpServer(_ => { Interlocked.Increment(ref working); return (200, body); });
        {
            // A shuffle that puts the dead tracker first, so that the answering one really has to move.
            string[][] tiers = [[_deadUdp.AnnounceUrl, good.Url("/announce")]];
            var seed = Enumerable.Range(0, 100).First(s => new TrackerTiers(tiers, new Random(s)).Tiers[0][0] == _deadUdp.AnnounceUrl);
            var peers = CreateTestProbe();
            var client = Sys.ActorOf(TrackerClient.Props(Hash, tiers, PeerId.CreateOurs(), 7002, peers.Ref, new HttpClient(), Fast, 500, seed));
            peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5));
            Assert.NotEmpty(_deadUdp.Requests);
            var states = States(client);
            Assert.Equal(good.Url("/announce"), states[0].Url);
            var deadBefore = _deadUdp.Requests.Count;
            AwaitCondition(() => Volatile.Read(ref working) >= 4, TimeSpan.FromSeconds(5));
            Assert.Equal(deadBefore, _deadUdp.Requests.Count); // the dead tracker is not tried while the first one answers
        }
    }
}
