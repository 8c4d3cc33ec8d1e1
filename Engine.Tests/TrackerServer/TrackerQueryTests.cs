using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.TrackerServer;

public class TrackerQueryTests
{
    private static readonly InfoHash Hash1 = Hash(1);

    private static string Query(AnnounceRequest request) => HttpTrackerCodec.BuildAnnounceUri("http://t/announce", request).Query.TrimStart('?');

    private static string Failure(string query)
    {
        Assert.False(TrackerQuery.TryParseAnnounce(query, out _, out var failure));
        return failure!;
    }

    [Fact]
    public void Announces_built_by_our_client_codec_read_back_unchanged()
    {
        var rng = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var request = new AnnounceRequest(RandomHash(rng), PeerId.CreateOurs(), rng.Next(1, 65536), rng.NextInt64(0, long.MaxValue),
                rng.NextInt64(0, long.MaxValue), rng.NextInt64(0, long.MaxValue), (AnnounceEvent)rng.Next(4), rng.Next(0, 300),
                (uint)rng.NextInt64(0, 1L << 32), Compact: rng.Next(2) == 0, Ip: rng.Next(2) == 0 ? null : "10.0.0.1");
            Assert.True(TrackerQuery.TryParseAnnounce(Query(request), out var read, out var failure), failure);
            Assert.Equal(request, read!.Request);
            Assert.Equal(request.Compact, read.NoPeerId);
        }
    }

    [Fact]
    public void Every_byte_of_a_binary_info_hash_survives_percent_decoding()
    {
        var bytes = Enumerable.Range(0, 20).Select(i => (byte)(i * 13 + 200)).ToArray();
        var query = "info_hash=" + string.Concat(bytes.Select(b => $"%{b:x2}")) + "&peer_id=-AK0100-abcdefghijkl&port=1&left=0";
        Assert.True(TrackerQuery.TryParseAnnounce(query, out var read, out _));
        Assert.Equal(InfoHash.FromBytes(bytes), read!.Request.InfoHash);
    }

    [Fact]
    public void Unescaped_bytes_and_plus_signs_are_taken_literally()
    {
        var query = "info_hash=aaaaaaaaaaaaaaaaaa+b&peer_id=%2DAK0100-abcdefghijkl&port=1&left=0";
        Assert.True(TrackerQuery.TryParseAnnounce(query, out var read, out _));
        Assert.Equal(InfoHash.FromBytes("aaaaaaaaaaaaaaaaaa+b"u8), read!.Request.InfoHash);
    }

    [Theory]
    [InlineData("peer_id=-AK0100-abcdefghijkl&port=1&left=0", "missing 'info_hash'")]
    [InlineData("info_hash=abc&peer_id=-AK0100-abcdefghijkl&port=1&left=0", "'info_hash' must be 20 bytes, got 3")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1&left=0", "'info_hash' must be 20 bytes, got 21")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&port=1&left=0", "missing 'peer_id'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=short&port=1&left=0", "'peer_id' must be 20 bytes, got 5")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&left=0", "missing 'port'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=0&left=0", "invalid 'port' '0'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=65536&left=0", "invalid 'port'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1", "missing 'left'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1&left=-5", "invalid 'left' '-5'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1&left=x", "invalid 'left' 'x'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1&left=0&uploaded=99999999999999999999", "invalid 'uploaded'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1&left=0&event=exploded", "unknown 'event' 'exploded'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&info_hash=bbbbbbbbbbbbbbbbbbbb&peer_id=-AK0100-abcdefghijkl&port=1&left=0", "'info_hash' is given more than once")]
    [InlineData("info_hash=%zz&peer_id=-AK0100-abcdefghijkl&port=1&left=0", "malformed percent-encoding in query parameter 'info_hash'")]
    [InlineData("info_hash=%4&peer_id=-AK0100-abcdefghijkl&port=1&left=0", "malformed percent-encoding")]
    [InlineData("", "missing 'info_hash'")]
    public void Missing_or_invalid_parameters_name_the_problem(string query, string expected) => Assert.Contains(expected, Failure(query));

    [Fact]
    public void An_empty_left_is_a_magnet_clients_unknown_and_a_missing_or_repeated_one_is_still_refused()
    {
        // WebTorrent announces left= before it has the metadata.
        Assert.True(TrackerQuery.TryParseAnnounce("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-WW0109-abcdefghijkl&port=9&left=&event=started", out var read, out var failure), failure);
        Assert.Equal(AnnounceRequest.UnknownLeft, read!.Request.Left);
        Assert.Contains("missing 'left'", Failure("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-WW0109-abcdefghijkl&port=9"));
        Assert.Contains("'left' is given more than once", Failure("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-WW0109-abcdefghijkl&port=9&left=&left=5"));
    }

    [Fact]
    public void Optional_parameters_have_defaults_and_paused_is_a_regular_announce()
    {
        Assert.True(TrackerQuery.TryParseAnnounce("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=9&left=3&event=paused&numwant=-20&compact=1", out var read, out _));
        var r = read!.Request;
        Assert.Equal((0L, 0L, 3L, -1, AnnounceEvent.None, true, (string?)null), (r.Uploaded, r.Downloaded, r.Left, r.NumWant, r.Event, r.Compact, r.Ip));
        Assert.False(read.NoPeerId);
    }

    [Fact]
    public void Echoed_values_are_printable_and_short()
    {
        var failure = Failure("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1&left=0&event=" + new string('x', 100) + "%0a");
        Assert.DoesNotContain('\n', failure);
        Assert.True(failure.Length < 80, failure);
    }

    [Fact]
    public void Too_many_parameters_are_refused() =>
        Assert.Contains("more than 256 query parameters", Failure(string.Join('&', Enumerable.Repeat("a=1", 300))));

    [Fact]
    public void Scrape_reads_every_info_hash()
    {
        var hashes = Enumerable.Range(0, 5).Select(Hash).ToList();
        var query = HttpTrackerCodec.BuildScrapeUri("http://t/announce", hashes)!.Query.TrimStart('?');
        Assert.True(TrackerQuery.TryParseScrape(query, out var read, out _));
        Assert.Equal(hashes, read);
    }

    [Theory]
    [InlineData("", "at least one 'info_hash'")]
    [InlineData("info_hash=abc", "'info_hash' must be 20 bytes, got 3")]
    [InlineData("info_hash=%g0", "malformed percent-encoding")]
    public void Bad_scrapes_name_the_problem(string query, string expected)
    {
        Assert.False(TrackerQuery.TryParseScrape(query, out _, out var failure));
        Assert.Contains(expected, failure);
    }

    [Fact]
    public void Scrape_of_too_many_hashes_is_refused()
    {
        var query = string.Join('&', Enumerable.Range(0, 101).Select(i => "info_hash=" + Hash(i).ToUrlEncoded()));
        Assert.False(TrackerQuery.TryParseScrape(query, out _, out var failure));
        Assert.Contains("more than 100", failure);
    }

    [Fact]
    public void Random_query_strings_never_throw()
    {
        var rng = new Random(3);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz_=&%0123456789ABCDEF+-.~\u00ff";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[rng.Next(200)];
            for (var j = 0; j < chars.Length; j++) chars[j] = alphabet[rng.Next(alphabet.Length)];
            var query = new string(chars);
            if (rng.Next(3) == 0) query = "info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1&left=0&" + query;
            TrackerQuery.TryParseAnnounce(query, out _, out _);
            TrackerQuery.TryParseScrape(query, out _, out _);
        }
    }
}
