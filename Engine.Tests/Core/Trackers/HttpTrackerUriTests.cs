using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.Tests.Core.Trackers;

public class HttpTrackerUriTests
{
    // Bytes chosen to exercise encoding: unreserved letters stay, '/', space, 0xFF and '~' are handled.
    private static readonly InfoHash Hash = InfoHash.FromHex("412f20ff7e00112233445566778899aabbccddee");
    private static readonly PeerId Id = PeerId.FromBytes("-AK0100-abcdefghij.~"u8);

    private static AnnounceRequest Request(AnnounceEvent e = AnnounceEvent.None) =>
        new(Hash, Id, 6881, Uploaded: 100, Downloaded: 200, Left: 300, Event: e, NumWant: 30, Key: 0xDEADBEEF);

    private const string ExpectedQuery =
        "info_hash=A%2F%20%FF~%00%11%223DUfw%88%99%AA%BB%CC%DD%EE&peer_id=-AK0100-abcdefghij.~"
        + "&port=6881&uploaded=100&downloaded=200&left=300&key=DEADBEEF&numwant=30&compact=1&no_peer_id=1";

    [Fact]
    public void Announce_uri_carries_every_field_with_percent_encoded_hash_and_id()
    {
        var uri = HttpTrackerCodec.BuildAnnounceUri("http://tracker.example:6969/announce", Request());
        Assert.Equal("http://tracker.example:6969/announce?" + ExpectedQuery, uri.AbsoluteUri);
        Assert.Equal("/announce?" + ExpectedQuery, uri.PathAndQuery);
    }

    [Theory]
    [InlineData("http://t/announce?passkey=abc", "http://t/announce?passkey=abc&")]
    [InlineData("http://t/announce?passkey=abc&", "http://t/announce?passkey=abc&")]
    [InlineData("http://t/announce?", "http://t/announce?")]
    [InlineData("https://t/a/announce.php#frag", "https://t/a/announce.php?")]
    public void Announce_uri_appends_to_an_existing_query(string url, string prefix)
    {
        Assert.Equal(prefix + ExpectedQuery, HttpTrackerCodec.BuildAnnounceUri(url, Request()).AbsoluteUri);
    }

    [Theory]
    [InlineData(AnnounceEvent.Started, "&event=started")]
    [InlineData(AnnounceEvent.Completed, "&event=completed")]
    [InlineData(AnnounceEvent.Stopped, "&event=stopped")]
    public void Announce_events_are_named(object announced, string expected)
    {
        var e = (AnnounceEvent)announced;
        var query = HttpTrackerCodec.BuildAnnounceUri("http://t/announce", Request(e)).Query;
        Assert.Contains("&key=DEADBEEF" + expected + "&numwant=30", query);
    }

    [Fact]
    public void A_regular_announce_sends_no_event()
    {
        Assert.DoesNotContain("event=", HttpTrackerCodec.BuildAnnounceUri("http://t/announce", Request()).Query);
    }

    [Fact]
    public void Tracker_id_ip_and_non_compact_are_sent_when_asked()
    {
        var request = Request() with { TrackerId = "id&1 2", Ip = "2001:db8::1", Compact = false, Key = 7 };
        var query = HttpTrackerCodec.BuildAnnounceUri("http://t/announce", request).Query;
        Assert.EndsWith("&key=00000007&numwant=30&compact=0&trackerid=id%261%202&ip=2001%3Adb8%3A%3A1", query);
    }

    [Theory]
    [InlineData("udp://tracker.example:80/announce")]
    [InlineData("not a url")]
    [InlineData("/announce")]
    [InlineData("")]
    public void Non_http_announce_urls_are_rejected(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => HttpTrackerCodec.BuildAnnounceUri(url, Request()));
        Assert.Contains("http", e.Message);
    }

    [Fact]
    public void Out_of_range_request_numbers_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HttpTrackerCodec.BuildAnnounceUri("http://t/announce", Request() with { Port = 70000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => HttpTrackerCodec.BuildAnnounceUri("http://t/announce", Request() with { Left = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => HttpTrackerCodec.BuildAnnounceUri("http://t/announce", Request() with { Event = (AnnounceEvent)9 }));
    }

    [Theory]
    [InlineData("http://t/announce", "http://t/scrape")]
    [InlineData("http://t:80/x/announce.php?passkey=1", "http://t:80/x/scrape.php?passkey=1")]
    [InlineData("https://t/announce?a=/announce", "https://t/scrape?a=/announce")]
    [InlineData("http://t/announce_v2", "http://t/scrape_v2")]
    public void Scrape_url_replaces_announce_in_the_last_path_segment(string announce, string scrape)
    {
        Assert.Equal(scrape, HttpTrackerCodec.ScrapeUrlFor(announce));
    }

    [Theory]
    [InlineData("http://t/a")]
    [InlineData("http://t/announce/x")]
    [InlineData("http://t/x/announc")]
    [InlineData("http://announce")]
    [InlineData("http://t")]
    [InlineData("udp://t/announce")]
    [InlineData("garbage")]
    public void Scrape_url_is_null_when_the_convention_does_not_apply(string announce)
    {
        Assert.Null(HttpTrackerCodec.ScrapeUrlFor(announce));
        Assert.Null(HttpTrackerCodec.BuildScrapeUri(announce, [Hash]));
    }

    [Fact]
    public void Scrape_uri_lists_every_info_hash()
    {
        var other = InfoHash.FromHex("0000000000000000000000000000000000000001");
        var uri = HttpTrackerCodec.BuildScrapeUri("http://t/announce?k=v", [Hash, other])!;
        Assert.Equal("http://t/scrape?k=v&info_hash=A%2F%20%FF~%00%11%223DUfw%88%99%AA%BB%CC%DD%EE"
            + "&info_hash=%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%01", uri.AbsoluteUri);
        Assert.Equal("http://t/scrape", HttpTrackerCodec.BuildScrapeUri("http://t/announce", [])!.AbsoluteUri);
    }
}
