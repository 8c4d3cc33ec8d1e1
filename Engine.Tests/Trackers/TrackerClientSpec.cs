using System.Net;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Peers;
using Engine.Tests.Support;
using Engine.Trackers;

namespace Engine.Tests.Trackers;

/// <summary>The tracker client against small local HTTP trackers that answer well, badly, or not at all.</summary>
public sealed class TrackerClientSpec : TestKit
{
    private static readonly InfoHash Hash = InfoHash.FromHex("aabbccddeeff00112233445566778899aabbccdd");

    private static readonly TrackerSettings Fast = new()
    {
        MinimumInterval = TimeSpan.FromMilliseconds(200),
        RetryBase = TimeSpan.FromMilliseconds(100),
        RetryMax = TimeSpan.FromMilliseconds(400),
        RequestTimeout = TimeSpan.FromSeconds(2),
    };

    private static byte[] CompactResponse(int interval, params (byte[] Ip, int Port)[] peers)
    {
        var compact = new List<byte>();
        foreach (var (ip, port) in peers) { compact.AddRange(ip); compact.Add((byte)(port >> 8)); compact.Add((byte)port); }
        var head = Encoding.ASCII.GetBytes($"d8:intervali{interval}e5:peers{compact.Count}:");
        return [.. head, .. compact, (byte)'e'];
    }

    [Fact]
    public async Task Peers_from_an_announce_reach_the_peer_manager_and_the_first_announce_says_started()
    {
        await using var tracker = new TinyHttpServer(_ => (200, CompactResponse(1800, ([127, 0, 0, 1], 6881), ([10, 0, 0, 2], 51413))));
        var peers = CreateTestProbe();
        var client = Sys.ActorOf(TrackerClient.Props(Hash, [[tracker.Url("/announce")]], PeerId.CreateOurs(), 7000, peers.Ref, new HttpClient(), Fast, left: 1000));
        var added = peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5));
        Assert.Equal([new IPEndPoint(IPAddress.Parse("127.0.0.1"), 6881), new IPEndPoint(IPAddress.Parse("10.0.0.2"), 51413)], added.Peers);
        var first = tracker.Requests[0];
        Assert.Contains("event=started", first);
        Assert.Contains("port=7000", first);
        Assert.Contains("left=1000", first);
        Assert.Contains("compact=1", first);
        Assert.Contains("info_hash=" + Hash.ToUrlEncoded(), first);

        client.Tell(new TrackerClient.Completed());
        AwaitAssert(() => Assert.Contains(tracker.Requests, r => r.Contains("event=completed") && r.Contains("left=0")), TimeSpan.FromSeconds(5));

        client.Tell(new TrackerClient.Stop());
        ExpectMsg<TrackerClient.Stopped>(TimeSpan.FromSeconds(5));
        Assert.Contains(tracker.Requests, r => r.Contains("event=stopped"));
    }

    [Fact]
    public async Task A_hybrid_announces_under_its_v2_hash_too_with_the_same_events_and_both_answers_peers_are_told()
    {
        var v2 = InfoHash.FromHex("00112233445566778899aabbccddeeff00112233");
        await using var tracker = new TinyHttpServer(request => request.Contains("info_hash=" + v2.ToUrlEncoded())
            ? (200, CompactResponse(1800, ([10, 0, 0, 9], 9999)))
            : (200, CompactResponse(1800, ([10, 0, 0, 1], 1111))));
        var peers = CreateTestProbe();
        var client = Sys.ActorOf(TrackerClient.Props(Hash, [[tracker.Url("/announce")]], PeerId.CreateOurs(), 7000, peers.Ref, new HttpClient(), Fast,
            new TrackerClient.UpdateTotals(0, 0, 1000), AlsoAnnounce: v2));
        var told = new[] { peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5)), peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5)) }
            .SelectMany(a => a.Peers).ToList();
        Assert.Contains(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1111), told);
        Assert.Contains(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 9999), told);
        Assert.Contains(tracker.Requests, r => r.Contains("event=started") && r.Contains("info_hash=" + Hash.ToUrlEncoded()));
        Assert.Contains(tracker.Requests, r => r.Contains("event=started") && r.Contains("info_hash=" + v2.ToUrlEncoded()));

        client.Tell(new TrackerClient.Stop());
        ExpectMsg<TrackerClient.Stopped>(TimeSpan.FromSeconds(5));
        Assert.Contains(tracker.Requests, r => r.Contains("event=stopped") && r.Contains("info_hash=" + v2.ToUrlEncoded()));
        Assert.Contains(tracker.Requests, r => r.Contains("event=stopped") && r.Contains("info_hash=" + Hash.ToUrlEncoded()));
    }

    [Fact]
    public async Task A_v2_echo_that_fails_is_sent_again_on_its_own_until_answered_without_announcing_the_v1_hash_again()
    {
        var v2 = InfoHash.FromHex("00112233445566778899aabbccddeeff00112233");
        var echoes = 0;
        await using var tracker = new TinyHttpServer(request => !request.Contains("info_hash=" + v2.ToUrlEncoded())
            ? (200, CompactResponse(1800, ([10, 0, 0, 1], 1111)))
            : Interlocked.Increment(ref echoes) <= 2 ? (503, "busy"u8.ToArray()) : (200, CompactResponse(1800, ([10, 0, 0, 9], 9999))));
        var peers = CreateTestProbe();
        Sys.ActorOf(TrackerClient.Props(Hash, [[tracker.Url("/announce")]], PeerId.CreateOurs(), 7000, peers.Ref, new HttpClient(), Fast,
            new TrackerClient.UpdateTotals(0, 0, 1000), AlsoAnnounce: v2));
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1111)], peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5)).Peers);
        var late = peers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(5)); // after two failures, 100 + 200 ms apart
        Assert.True(late.UnderV2);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.9"), 9999)], late.Peers);
        var v2Requests = tracker.Requests.Where(r => r.Contains("info_hash=" + v2.ToUrlEncoded())).ToList();
        Assert.Equal(3, v2Requests.Count);
        Assert.All(v2Requests, r => Assert.Contains("event=started", r)); // the retried echo keeps its event
        Assert.Single(tracker.Requests, r => r.Contains("info_hash=" + Hash.ToUrlEncoded()));
        peers.ExpectNoMsg(TimeSpan.FromMilliseconds(600)); // answered: no more echoes until the next announce
        Assert.Equal(3, tracker.Requests.Count(r => r.Contains("info_hash=" + v2.ToUrlEncoded())));
    }

    [Fact]
    public async Task A_client_started_from_the_torrents_totals_announces_them_from_its_first_announce()
    {
        await using var tracker = new TinyHttpServer(_ => (200, CompactResponse(1800)));
        var totals = new TrackerClient.UpdateTotals(Uploaded: 123_456, Downloaded: 654_321, Left: 0);
        Sys.ActorOf(TrackerClient.Props(Hash, [[tracker.Url("/announce")]], PeerId.CreateOurs(), 7000, CreateTestProbe().Ref, new HttpClient(), Fast, totals));
        AwaitAssert(() => Assert.NotEmpty(tracker.Requests), TimeSpan.FromSeconds(5));
        var first = tracker.Requests[0];
        Assert.Contains("event=started", first);
        Assert.Contains("uploaded=123456", first);
        Assert.Contains("downloaded=654321", first);
        Assert.Contains("left=0", first);
    }

    [Fact]
    public async Task When_port_mapping_gets_another_external_port_the_tracker_is_told_at_once()
    {
        await using var tracker = new TinyHttpServer(_ => (200, CompactResponse(1800)));
        var publicPort = new Engine.PortMapping.PublicPort();
        Sys.ActorOf(TrackerClient.Props(Hash, [[tracker.Url("/announce")]], PeerId.CreateOurs(), 7000, CreateTestProbe().Ref, new HttpClient(), Fast, left: 1, publicPort));
        AwaitAssert(() => Assert.NotEmpty(tracker.Requests), TimeSpan.FromSeconds(5));
        Assert.Contains("port=7000", tracker.Requests[0]);

        publicPort.Set(40123); // the router forwards 40123 to our 7000: announced long before the 30-minute interval
        Sys.EventStream.Publish(new Engine.PortMapping.PublicPort.Changed());
        AwaitAssert(() => Assert.Contains("port=40123", tracker.Requests[^1]), TimeSpan.FromSeconds(5));
        Assert.Equal(2, tracker.Requests.Count);

        Sys.EventStream.Publish(new Engine.PortMapping.PublicPort.Changed()); // nothing new: no announce
        Assert.True(publicPort.Set(null)); // the mapping is gone
        Assert.False(publicPort.Set(null));
        Sys.EventStream.Publish(new Engine.PortMapping.PublicPort.Changed());
        AwaitAssert(() => Assert.Contains("port=7000", tracker.Requests[^1]), TimeSpan.FromSeconds(5));
        Assert.Equal(3, tracker.Requests.Count);
    }

    [Fact]
    public async Task A_tracker_answering_garbage_or_errors_is_retried_with_backoff_and_the_next_tier_is_tried()
    {
        var answered = 0;
        await using var broken = new TinyHttpServer(_ => Interlocked.Increment(ref answered) % 2 == 0 ? (500, "oops"u8.ToArray()) : (200, "d5:peers3:abe"u8.ToArray()));
        await using var failing = new TinyHttpServer(_ => (200, "d14:failure reason11:not allowede"u8.ToArray()));
        var peers = CreateTestProbe();
        var client = Sys.ActorOf(TrackerClient.Props(Hash, [[broken.Url("/announce")], [failing.Url("/announce")]], PeerId.CreateOurs(), 7000, peers.Ref, new HttpClient(), Fast, left: 1));
        Watch(client);
        // Both tiers fail again and again; the client keeps retrying (backoff capped at 400 ms) and never dies.
        AwaitCondition(() => broken.Requests.Count >= 3 && failing.Requests.Count >= 3, TimeSpan.FromSeconds(10));
        peers.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        client.Tell(new TrackerClient.GetTrackers());
        var states = ExpectMsg<List<TrackerClient.TrackerState>>();
        Assert.Contains(states, s => s.Error == "not allowed");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // no Terminated
    }

    [Fact]
    public async Task A_tracker_that_never_answers_the_stopped_announce_does_not_hold_up_stopping()
    {
        await using var tracker = new TinyHttpServer(target =>
        {
            if (target.Contains("event=stopped")) Thread.Sleep(TimeSpan.FromSeconds(8));
            return (200, CompactResponse(1800));
        });
        var client = Sys.ActorOf(TrackerClient.Props(Hash, [[tracker.Url("/announce")]], PeerId.CreateOurs(), 7000, CreateTestProbe().Ref, new HttpClient(), Fast, left: 1));
        AwaitCondition(() => tracker.Requests.Count == 1, TimeSpan.FromSeconds(5));
        await Task.Delay(200);
        var started = DateTime.UtcNow;
        client.Tell(new TrackerClient.Stop());
        ExpectMsg<TrackerClient.Stopped>(TimeSpan.FromSeconds(3));
        Assert.Contains(tracker.Requests, r => r.Contains("event=stopped"));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), $"stop took {DateTime.UtcNow - started}"); // the tracker hangs 8 s; StopTimeout (1 s) plus scheduling slack on a busy machine
    }
}
