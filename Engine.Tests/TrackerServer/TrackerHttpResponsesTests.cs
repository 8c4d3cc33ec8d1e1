using System.Net;
using Engine.Core.Trackers;
using Engine.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.TrackerServer;

public class TrackerHttpResponsesTests
{
    private static readonly IPEndPoint V4 = new(IPAddress.Parse("127.0.0.2"), 6881);
    private static readonly IPEndPoint V6 = new(IPAddress.Parse("::1"), 6882);

    private static TrackerAnnounceResult Result(params IPEndPoint[] peers) =>
        new(null, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), 2, 3, 4, peers, peers.Select((_, i) => Peer(i)).ToArray());

    [Fact]
    public void Compact_announce_reads_back_with_our_client_codec_including_peers6()
    {
        var body = TrackerHttpResponses.Announce(Result(V4, V6), compact: true, noPeerId: true);
        var read = HttpTrackerCodec.ParseAnnounceResponse(body);
        Assert.Equal([V4, V6], read.Peers);
        Assert.Equal((2, 3), (read.Complete!.Value, read.Incomplete!.Value));
        Assert.Equal(TimeSpan.FromMinutes(15), read.Interval);
        Assert.Equal(TimeSpan.FromMinutes(1), read.MinInterval);
        Assert.Contains("5:peers6:", System.Text.Encoding.Latin1.GetString(body));
        Assert.Contains("6:peers618:", System.Text.Encoding.Latin1.GetString(body));
    }

    [Fact]
    public void Non_compact_announce_lists_dictionaries_with_peer_ids_unless_asked_not_to()
    {
        var read = HttpTrackerCodec.ParseAnnounceResponse(TrackerHttpResponses.Announce(Result(V4, V6), compact: false, noPeerId: false));
        Assert.Equal([V4, V6], read.Peers);
        Assert.Equal(Peer(0), read.PeerIds[V4]);
        Assert.Equal(Peer(1), read.PeerIds[V6]);
        var anonymous = HttpTrackerCodec.ParseAnnounceResponse(TrackerHttpResponses.Announce(Result(V4), compact: false, noPeerId: true));
        Assert.Empty(anonymous.PeerIds);
        Assert.Equal([V4], anonymous.Peers);
    }

    [Fact]
    public void Failure_reads_back_as_a_failure()
    {
        Assert.Equal("nope", HttpTrackerCodec.ParseAnnounceResponse(TrackerHttpResponses.Failure("nope")).FailureReason);
        var refused = new TrackerAnnounceResult("not here", TimeSpan.Zero, TimeSpan.Zero, 0, 0, 0, [], []);
        Assert.Equal("not here", HttpTrackerCodec.ParseAnnounceResponse(TrackerHttpResponses.Announce(refused, true, true)).FailureReason);
    }

    [Fact]
    public void Scrape_reads_back_with_names_and_sorted_keys()
    {
        var files = Enumerable.Range(0, 10).Select(i => (Hash(i), new ScrapeStats(i, i * 2, i * 3, i % 2 == 0 ? $"name{i}" : null))).ToList();
        var read = HttpTrackerCodec.ParseScrapeResponse(TrackerHttpResponses.Scrape(files)); // the strict decoder would refuse unsorted keys
        Assert.Equal(10, read.Files.Count);
        foreach (var (hash, stats) in files) Assert.Equal(stats, read.Files[hash]);
        Engine.Core.Bencode.BencodeReader.Decode(TrackerHttpResponses.Scrape(files)); // strict by default
    }
}
