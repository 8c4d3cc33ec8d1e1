using System.Net;
using System.Text;
using Engine.Core.Bencode;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.Tests.Core.Trackers;

public class HttpTrackerResponseTests
{
    private static ReadOnlyMemory<byte> B(string text) => Encoding.Latin1.GetBytes(text);

    private static AnnounceResponse Parse(string text) => HttpTrackerCodec.ParseAnnounceResponse(B(text));

    private static TrackerException Fails(string text) =>
        Assert.Throws<TrackerException>(() => HttpTrackerCodec.ParseAnnounceResponse(B(text)));

    private static string Compact(params (string ip, int port)[] peers)
    {
        var sb = new StringBuilder();
        foreach (var (ip, port) in peers)
        {
            foreach (var b in IPAddress.Parse(ip).GetAddressBytes()) sb.Append((char)b);
            sb.Append((char)(port >> 8)).Append((char)(port & 0xFF));
        }
        return sb.ToString();
    }

    private static string Str(string s) => $"{s.Length}:{s}";

    [Fact]
    public void Compact_response_gives_every_field()
    {
        var peers = Compact(("10.0.0.1", 6881), ("192.168.1.200", 51413));
        var r = Parse($"d8:completei5e10:incompletei3e8:intervali1800e12:min intervali60e5:peers{Str(peers)}10:tracker id3:xyz15:warning message4:hmm!e");
        Assert.Null(r.FailureReason);
        Assert.False(r.IsFailure);
        Assert.Equal("hmm!", r.WarningMessage);
        Assert.Equal(TimeSpan.FromSeconds(1800), r.Interval);
        Assert.Equal(TimeSpan.FromSeconds(60), r.MinInterval);
        Assert.Equal("xyz", r.TrackerId);
        Assert.Equal(5, r.Complete);
        Assert.Equal(3, r.Incomplete);
        Assert.Equal(new[] { IPEndPoint.Parse("10.0.0.1:6881"), IPEndPoint.Parse("192.168.1.200:51413") }, r.Peers);
        Assert.Empty(r.PeerIds);
    }

    [Fact]
    public void Optional_fields_are_null_when_absent()
    {
        var r = Parse("d8:intervali900e5:peers0:e");
        Assert.Null(r.MinInterval);
        Assert.Null(r.TrackerId);
        Assert.Null(r.Complete);
        Assert.Null(r.Incomplete);
        Assert.Null(r.WarningMessage);
        Assert.Empty(r.Peers);
    }

    [Fact]
    public void A_response_without_peers_has_an_empty_list()
    {
        Assert.Empty(Parse("d8:intervali900ee").Peers);
    }

    [Fact]
    public void Dictionary_model_peers_give_endpoints_and_peer_ids()
    {
        var id = "-LT2080-abcdefghijkl";
        var r = Parse($"d8:intervali60e5:peersld2:ip8:10.0.0.27:peer id{Str(id)}4:porti7000eed2:ip11:2001:db8::14:porti80eeee");
        Assert.Equal(new[] { IPEndPoint.Parse("10.0.0.2:7000"), IPEndPoint.Parse("[2001:db8::1]:80") }, r.Peers);
        Assert.Equal(PeerId.FromBytes(Encoding.ASCII.GetBytes(id)), r.PeerIds[IPEndPoint.Parse("10.0.0.2:7000")]);
        Assert.Single(r.PeerIds);
    }

    [Fact]
    public void Dictionary_peers_with_dns_names_port_zero_or_duplicates_are_skipped_and_mapped_addresses_unmapped()
    {
        var r = Parse("d8:intervali60e5:peersld2:ip15:tracker.example4:porti1eed2:ip7:1.2.3.44:porti0eed2:ip7:1.2.3.44:porti5eed2:ip14:::ffff:1.2.3.44:porti5eeee");
        Assert.Equal(new[] { IPEndPoint.Parse("1.2.3.4:5") }, r.Peers);
    }

    [Fact]
    public void Peers6_entries_are_eighteen_bytes_each()
    {
        var v6 = Compact(("2001:db8::1", 6881), ("fe80::2", 1));
        var v4 = Compact(("1.1.1.1", 2));
        var r = Parse($"d8:intervali60e5:peers{Str(v4)}6:peers6{Str(v6)}e");
        Assert.Equal(new[] { IPEndPoint.Parse("1.1.1.1:2"), IPEndPoint.Parse("[2001:db8::1]:6881"), IPEndPoint.Parse("[fe80::2]:1") }, r.Peers);
    }

    [Fact]
    public void Compact_entries_with_port_zero_and_duplicates_are_dropped()
    {
        var peers = Compact(("1.2.3.4", 0), ("1.2.3.4", 9), ("1.2.3.4", 9));
        Assert.Equal(new[] { IPEndPoint.Parse("1.2.3.4:9") }, Parse($"d8:intervali60e5:peers{Str(peers)}e").Peers);
    }

    [Fact]
    public void A_failure_reason_is_reported_without_needing_an_interval()
    {
        var r = Parse("d14:failure reason17:torrent not founde");
        Assert.True(r.IsFailure);
        Assert.Equal("torrent not found", r.FailureReason);
        Assert.Empty(r.Peers);
        Assert.Equal(TimeSpan.Zero, r.Interval);
    }

    [Fact]
    public void Unsorted_keys_and_a_trailing_newline_are_tolerated()
    {
        var r = Parse("d5:peers0:8:intervali5ee\r\n");
        Assert.Equal(TimeSpan.FromSeconds(5), r.Interval);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "not valid bencode")]
    [InlineData("d8:intervali60e", "not valid bencode")]
    [InlineData("li1ee", "a list, expected a bencoded dictionary")]
    [InlineData("i42e", "an integer, expected a bencoded dictionary")]
    [InlineData("5:hello", "a string, expected")]
    [InlineData("d8:intervali60eeGARBAGE", "trailing data")]
    [InlineData("d5:peers0:e", "no 'interval'")]
    [InlineData("d8:interval2:60e", "'interval' is a string")]
    [InlineData("d8:intervali-1ee", "'interval' is -1 seconds")]
    [InlineData("d8:intervali99999999999ee", "'interval' is 99999999999 seconds")]
    [InlineData("d8:intervali999999999999999999999999ee", "not valid bencode")]
    [InlineData("d8:intervali60e12:min intervallee", "'min interval' is a list")]
    [InlineData("d8:completei-5e8:intervali60ee", "'complete' is -5")]
    [InlineData("d10:incompletei3000000000e8:intervali60ee", "'incomplete' is 3000000000")]
    [InlineData("d8:intervali60e10:tracker idi1ee", "'tracker id' is an integer")]
    [InlineData("d14:failure reasoni1ee", "'failure reason' is an integer")]
    [InlineData("d8:intervali60e15:warning messagedee", "'warning message' is a dictionary")]
    [InlineData("d8:intervali60e5:peers7:abcdefge", "'peers' is 7 bytes")]
    [InlineData("d8:intervali60e5:peers5:abcdee", "truncated")]
    [InlineData("d8:intervali60e6:peers617:abcdefghijklmnopqe", "'peers6' is 17 bytes")]
    [InlineData("d8:intervali60e6:peers6li1eee", "'peers6' is a list")]
    [InlineData("d8:intervali60e5:peersi5ee", "'peers' is an integer")]
    [InlineData("d8:intervali60e5:peersli5eee", "peer 0 in 'peers' is an integer")]
    [InlineData("d8:intervali60e5:peerslde2:ipe", "not valid bencode")]
    [InlineData("d8:intervali60e5:peersld4:porti1eeee", "no 'ip'")]
    [InlineData("d8:intervali60e5:peersld2:ipi1e4:porti1eeee", "'ip' that is an integer")]
    [InlineData("d8:intervali60e5:peersld2:ip7:1.2.3.44:port2:80eee", "'port' that is a string")]
    [InlineData("d8:intervali60e5:peersld2:ip7:1.2.3.4eee", "no 'port'")]
    [InlineData("d8:intervali60e5:peersld2:ip7:1.2.3.44:porti70000eeee", "port 70000")]
    [InlineData("d8:intervali60e5:peersld2:ip7:1.2.3.47:peer id3:abc4:porti1eeee", "'peer id'")]
    public void Malformed_responses_are_tracker_exceptions_naming_the_problem(string body, string expected)
    {
        Assert.Contains(expected, Fails(body).Message);
    }

    [Fact]
    public void Deep_nesting_is_a_tracker_exception()
    {
        var body = "d8:intervali60e1:x" + new string('l', 100_000) + new string('e', 100_000) + "e";
        Fails(body);
    }

    [Fact]
    public void Random_corruption_never_escapes_as_another_exception_type()
    {
        var random = new Random(11);
        var peers = Compact(("10.0.0.1", 6881), ("10.0.0.2", 6882));
        var v6 = Compact(("2001:db8::1", 6881));
        var samples = new[]
        {
            B($"d8:completei5e10:incompletei3e8:intervali1800e12:min intervali60e5:peers{Str(peers)}6:peers6{Str(v6)}10:tracker id3:xyze"),
            B("d8:intervali60e5:peersld2:ip8:10.0.0.27:peer id20:-LT2080-abcdefghijkl4:porti7000eeee"),
            B("d5:filesd20:aaaaaaaaaaaaaaaaaaaad8:completei1e10:downloadedi2e10:incompletei3eeee"),
        };
        var parsed = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var bytes = samples[random.Next(samples.Length)].ToArray();
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                switch (random.Next(3))
                {
                    case 0: bytes[random.Next(bytes.Length)] = (byte)random.Next(256); break;
                    case 1: bytes = bytes[..random.Next(bytes.Length)]; break;
                    default: bytes[random.Next(bytes.Length)] = (byte)"0123456789ielde:-"[random.Next(17)]; break;
                }
                if (bytes.Length == 0) break;
            }
            try
            {
                HttpTrackerCodec.ParseAnnounceResponse(bytes);
                parsed++;
            }
            catch (TrackerException) { }
            try { HttpTrackerCodec.ParseScrapeResponse(bytes); }
            catch (TrackerException) { }
        }
        Assert.True(parsed > 0);
    }

    // ---- scrape ----

    [Fact]
    public void Scrape_response_gives_stats_per_info_hash()
    {
        var h1 = new string('a', 20);
        var h2 = new string('\u00ff', 20);
        var body = $"d5:filesd{Str(h1)}d8:completei5e10:downloadedi50e10:incompletei10e4:name3:fooe{Str(h2)}d8:completei1eee5:flagsd20:min_request_intervali900eee";
        var r = HttpTrackerCodec.ParseScrapeResponse(B(body));
        Assert.False(r.IsFailure);
        Assert.Equal(TimeSpan.FromSeconds(900), r.MinRequestInterval);
        Assert.Equal(new ScrapeStats(5, 50, 10, "foo"), r.Files[InfoHash.FromBytes(Encoding.Latin1.GetBytes(h1))]);
        Assert.Equal(new ScrapeStats(1, 0, 0, null), r.Files[InfoHash.FromBytes(Encoding.Latin1.GetBytes(h2))]);
    }

    [Fact]
    public void Scrape_failure_and_empty_files_are_reported()
    {
        Assert.Equal("no", HttpTrackerCodec.ParseScrapeResponse(B("d14:failure reason2:noe")).FailureReason);
        var empty = HttpTrackerCodec.ParseScrapeResponse(B("d5:filesdee"));
        Assert.Empty(empty.Files);
        Assert.Null(empty.MinRequestInterval);
    }

    [Theory]
    [InlineData("le", "a list")]
    [InlineData("d5:filesd3:abcdeee", "3 bytes, expected a 20-byte info-hash")]
    [InlineData("d5:filesd20:aaaaaaaaaaaaaaaaaaaai1eee", "expected a dictionary")]
    [InlineData("d5:filesli1eee", "'files' is a list")]
    [InlineData("d5:filesd20:aaaaaaaaaaaaaaaaaaaad8:complete1:xeee", "'complete' is a string")]
    [InlineData("d5:flagsi1ee", "'flags' is an integer")]
    [InlineData("d5:flagsd20:min_request_intervali-1eee", "'min_request_interval' is -1")]
    public void Malformed_scrape_responses_are_tracker_exceptions(string body, string expected)
    {
        var e = Assert.Throws<TrackerException>(() => HttpTrackerCodec.ParseScrapeResponse(B(body)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_response_built_with_the_bencode_writer_parses_back()
    {
        var peers = new byte[] { 127, 0, 0, 1, 0x1A, 0xE1 };
        var body = new BDictionaryBuilder().Add("interval", 120).Add("peers", peers).Add("complete", 1).ToArray();
        var r = HttpTrackerCodec.ParseAnnounceResponse(body);
        Assert.Equal(new[] { IPEndPoint.Parse("127.0.0.1:6881") }, r.Peers);
        Assert.Equal(1, r.Complete);
    }
}
