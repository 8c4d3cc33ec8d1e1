using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Peers;
using Engine.Tests.Interop;
using Engine.Trackers;

namespace Engine.Tests.Trackers;

/// <summary>Our tracker client (announce, scrape, stop) against a real opentracker, over HTTP and over UDP on the same port.</summary>
public sealed class OpentrackerClientInteropTests : TestKit
{
    // A refused or lost first announce is retried within a second rather than after the default 15 s.
    private static readonly TrackerSettings Settings = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(5),
        UdpRetransmitBase = TimeSpan.FromSeconds(1),
        RetryBase = TimeSpan.FromMilliseconds(200),
        RetryMax = TimeSpan.FromSeconds(1),
    };

    [Theory]
    [InlineData("http")]
    [InlineData("udp")]
    public async Task Announce_gets_the_other_peer_and_scrape_counts_seeders_and_leechers(string protocol)
    {
        var hash = InfoHash.FromBytes(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.ASCII.GetBytes("opentracker-client-" + protocol)));
        await using var tracker = await OpenTracker.StartAsync([hash.ToHex()]);
        await tracker.AllowAsync(hash.ToHex()); // returns once the whitelist (loaded after the socket opens) serves it
        var url = protocol == "udp" ? tracker.UdpAnnounceUrl : tracker.AnnounceUrl;

        var seederPeers = CreateTestProbe();
        var seeder = Sys.ActorOf(TrackerClient.Props(hash, [[url]], PeerId.CreateOurs(), 7101, seederPeers.Ref, new HttpClient(), Settings, left: 0));
        await tracker.WaitForSwarmAsync(hash.ToHex(), seeders: 1, leechers: 0, TimeSpan.FromSeconds(10));

        var leecherPeers = CreateTestProbe();
        var leecher = Sys.ActorOf(TrackerClient.Props(hash, [[url]], PeerId.CreateOurs(), 7102, leecherPeers.Ref, new HttpClient(), Settings, left: 1000));
        var peers = leecherPeers.ExpectMsg<PeerManager.AddPeers>(TimeSpan.FromSeconds(10)).Peers;
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 7101), peers);

        leecher.Tell(new TrackerClient.Scrape());
        var scrape = Assert.Single(ExpectMsg<TrackerClient.ScrapeResult>(TimeSpan.FromSeconds(10)).Trackers);
        Assert.Null(scrape.Error);
        Assert.Equal(1, scrape.Stats!.Complete);
        Assert.Equal(1, scrape.Stats.Incomplete);
        Assert.Equal(new ScrapeResult(1, 1, 0), await tracker.ScrapeAsync(hash.ToHex()));

        leecher.Tell(new TrackerClient.Stop());
        ExpectMsg<TrackerClient.Stopped>(TimeSpan.FromSeconds(3));
        await tracker.WaitForSwarmAsync(hash.ToHex(), seeders: 1, leechers: 0, TimeSpan.FromSeconds(5));
        Assert.Equal(0, (await tracker.ScrapeAsync(hash.ToHex())).Incomplete);
        seeder.Tell(PoisonPill.Instance);
    }
}
