using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.TrackerServer;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

public sealed class TrackerHttpEndToEndTests : IAsyncLifetime
{
    private readonly TrackerServer _tracker = new(new TrackerOptions { MaxTorrentFileBytes = 64 * 1024 });
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private string Base => $"http://{_tracker.HttpEndPoint}";
    private string AnnounceUrl => _tracker.HttpAnnounceUrl!;

    public Task InitializeAsync() => _tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _tracker.DisposeAsync();
    }

    private async Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request)
    {
        var body = await _http.GetByteArrayAsync(HttpTrackerCodec.BuildAnnounceUri(AnnounceUrl, request));
        return HttpTrackerCodec.ParseAnnounceResponse(body);
    }

    private async Task AssertStillAnswersAsync()
    {
        var hash = Hash(9999);
        await AnnounceAsync(Announce(hash, 1));
        var answer = await AnnounceAsync(Announce(hash, 2));
        Assert.False(answer.IsFailure, answer.FailureReason);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 6001), answer.Peers);
    }

    [Fact]
    public async Task Two_peers_announcing_over_http_find_each_other()
    {
        var hash = Hash(1);
        var first = await AnnounceAsync(Announce(hash, 1, e: AnnounceEvent.Started));
        Assert.Empty(first.Peers);
        var second = await AnnounceAsync(Announce(hash, 2, left: 0, e: AnnounceEvent.Started));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 6001)], second.Peers);
        Assert.Equal((1, 1), (second.Complete, second.Incomplete));
        Assert.Equal(TimeSpan.FromMinutes(15), second.Interval);
        var third = await AnnounceAsync(Announce(hash, 1) with { Compact = false });
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 6002)], third.Peers);
        Assert.Equal(Peer(2), third.PeerIds[third.Peers[0]]);
    }

    [Fact]
    public async Task A_magnet_client_that_announces_an_empty_left_is_a_leecher_handed_the_seeder()
    {
        var hash = Hash(1);
        await AnnounceAsync(Announce(hash, 1, left: 0, e: AnnounceEvent.Started));
        var query = HttpTrackerCodec.BuildAnnounceUri(AnnounceUrl, Announce(hash, 2, e: AnnounceEvent.Started)).Query.Replace("left=100", "left=", StringComparison.Ordinal);
        Assert.Contains("left=&", query + "&");
        var answer = HttpTrackerCodec.ParseAnnounceResponse(await _http.GetByteArrayAsync(AnnounceUrl + query));
        Assert.False(answer.IsFailure, answer.FailureReason);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 6001)], answer.Peers);
        Assert.Equal((1, 1), (answer.Complete, answer.Incomplete));
        var peers = await _http.GetFromJsonAsync<JsonElement>($"{Base}/catalog/{hash}/peers");
        var magnetPeer = peers.GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 6002);
        Assert.Equal(JsonValueKind.Null, magnetPeer.GetProperty("left").ValueKind);
        Assert.False(magnetPeer.GetProperty("seeder").GetBoolean());
    }

    [Fact]
    public async Task Scrape_over_http_reports_counts()
    {
        var hash = Hash(1);
        await AnnounceAsync(Announce(hash, 1, left: 0, e: AnnounceEvent.Completed));
        await AnnounceAsync(Announce(hash, 2));
        var body = await _http.GetByteArrayAsync(HttpTrackerCodec.BuildScrapeUri(AnnounceUrl, [hash, Hash(2)])!);
        var scrape = HttpTrackerCodec.ParseScrapeResponse(body);
        Assert.Equal(new ScrapeStats(1, 1, 1, null), scrape.Files[hash]);
        Assert.Equal(new ScrapeStats(0, 0, 0, null), scrape.Files[Hash(2)]);
    }

    [Fact]
    public async Task Published_torrent_appears_in_the_catalog_with_its_peers_and_file()
    {
        var file = TorrentFile("ubuntu.iso", 5_000_000);
        var post = await _http.PostAsync($"{Base}/publish", new ByteArrayContent(file));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        var published = await post.Content.ReadFromJsonAsync<JsonElement>();
        var hash = InfoHash.FromHex(published.GetProperty("infoHash").GetString()!);
        Assert.Equal("ubuntu.iso", published.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync($"{Base}/publish", new ByteArrayContent(file))).StatusCode);

        await AnnounceAsync(Announce(hash, 1, left: 0));
        await AnnounceAsync(Announce(hash, 2, left: 100));
        var catalog = await _http.GetFromJsonAsync<JsonElement>($"{Base}/catalog");
        var entry = catalog.GetProperty("torrents").EnumerateArray().Single();
        Assert.Equal(hash.ToHex(), entry.GetProperty("infoHash").GetString());
        Assert.Equal("ubuntu.iso", entry.GetProperty("name").GetString());
        Assert.Equal(5_000_000, entry.GetProperty("size").GetInt64());
        Assert.Equal(1, entry.GetProperty("seeders").GetInt32());
        Assert.Equal(1, entry.GetProperty("leechers").GetInt32());
        Assert.Equal(2, catalog.GetProperty("peerCount").GetInt32());

        var peers = await _http.GetFromJsonAsync<JsonElement>($"{Base}/catalog/{hash}/peers");
        var list = peers.GetProperty("peers").EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        Assert.Contains(list, p => p.GetProperty("port").GetInt32() == 6001 && p.GetProperty("seeder").GetBoolean());
        Assert.All(list, p => Assert.Equal("127.0.0.1", p.GetProperty("ip").GetString()));
        Assert.Equal("TT 0.0.0.1", list[0].GetProperty("client").GetString());

        Assert.Equal(file, await _http.GetByteArrayAsync($"{Base}/torrents/{hash}.torrent"));
    }

    [Theory]
    [InlineData("/catalog/xyz/peers", HttpStatusCode.BadRequest)]
    [InlineData("/catalog/0000000000000000000000000000000000000000/peers", HttpStatusCode.NotFound)]
    [InlineData("/torrents/0000000000000000000000000000000000000000.torrent", HttpStatusCode.NotFound)]
    [InlineData("/torrents/nothex.torrent", HttpStatusCode.BadRequest)]
    [InlineData("/nothing-here", HttpStatusCode.NotFound)]
    [InlineData("/publish", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/api/tracker-cluster", HttpStatusCode.NotFound)] // one tracker is not a cluster
    public async Task Unknown_things_get_clear_statuses(string path, HttpStatusCode status)
    {
        Assert.Equal(status, (await _http.GetAsync(Base + path)).StatusCode);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task The_root_is_a_page_with_the_catalog_and_a_cluster_panel_that_stays_hidden_on_one_tracker()
    {
        using var page = await _http.GetAsync(Base + "/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<section id=\"cluster\" hidden>", html);
        Assert.Contains("fetch('/api/tracker-cluster')", html);
        Assert.Contains("fetch('/catalog?limit=200')", html);
        Assert.DoesNotContain("innerHTML", html); // answers are written as text only
        using var cluster = await _http.GetAsync(Base + "/api/tracker-cluster");
        Assert.Contains("not a node of a tracker cluster", await cluster.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Publishing_garbage_is_refused_with_a_reason()
    {
        var response = await _http.PostAsync($"{Base}/publish", new ByteArrayContent("not a torrent"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a valid .torrent file", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        await AssertStillAnswersAsync();
    }

    [Theory]
    [InlineData("", "missing 'info_hash'")]
    [InlineData("info_hash=short&peer_id=-AK0100-abcdefghijkl&port=1&left=0", "'info_hash' must be 20 bytes, got 5")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijk&port=1&left=0", "'peer_id' must be 20 bytes, got 19")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&left=0", "missing 'port'")]
    [InlineData("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-AK0100-abcdefghijkl&port=1&left=0&event=boom", "unknown 'event'")]
    public async Task Bad_announces_get_a_failure_reason_and_the_tracker_still_answers(string query, string reason)
    {
        var body = await _http.GetByteArrayAsync($"{AnnounceUrl}?{query}");
        Assert.Contains(reason, HttpTrackerCodec.ParseAnnounceResponse(body).FailureReason);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Scrape_without_hashes_gets_a_failure_reason()
    {
        var scrape = HttpTrackerCodec.ParseScrapeResponse(await _http.GetByteArrayAsync($"{Base}/scrape"));
        Assert.Contains("at least one 'info_hash'", scrape.FailureReason);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "400")]
    [InlineData("GET /announce HTTP/9.9\r\n\r\n", "505")]
    [InlineData("POST /publish HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "411")]
    [InlineData("POST /publish HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", "413")]
    [InlineData("DELETE /announce HTTP/1.1\r\nConnection: close\r\n\r\n", "405")]
    public async Task Malformed_http_gets_an_error_status_and_the_tracker_still_answers(string request, string status)
    {
        var response = await RawHttp.ExchangeAsync(_tracker.HttpEndPoint!, request);
        Assert.StartsWith($"HTTP/1.1 {status} ", response);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Malformed_percent_encoding_gets_a_failure_reason()
    {
        var response = await RawHttp.ExchangeAsync(_tracker.HttpEndPoint!, "GET /announce?info_hash=%%%&&&=== HTTP/1.1\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK", response);
        Assert.Matches(@"d14:failure reason\d+:malformed percent-encoding in query parameter 'info_hash'e$", response);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Oversized_request_head_gets_431()
    {
        var request = "GET /announce?" + new string('a', 20_000) + " HTTP/1.1\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 431 ", await RawHttp.ExchangeAsync(_tracker.HttpEndPoint!, request));
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Random_bytes_never_take_the_server_down()
    {
        var rng = new Random(3);
        for (var i = 0; i < 30; i++)
        {
            var bytes = new byte[rng.Next(1, 3000)];
            rng.NextBytes(bytes);
            if (i % 2 == 0) bytes = Encoding.ASCII.GetBytes("GET /announce?").Concat(bytes).Concat("\r\n\r\n"u8.ToArray()).ToArray();
            else bytes = bytes.Concat("\r\n\r\n"u8.ToArray()).ToArray();
            var response = await RawHttp.ExchangeAsync(_tracker.HttpEndPoint!, bytes);
            Assert.StartsWith("HTTP/1.1 ", response);
        }
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Keep_alive_serves_pipelined_requests_on_one_connection()
    {
        var one = $"GET /announce?info_hash={Hash(5).ToUrlEncoded()}&peer_id={Peer(1).ToUrlEncoded()}&port=1&left=0 HTTP/1.1\r\nHost: x\r\n\r\n";
        var two = $"GET /catalog HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        var response = await RawHttp.ExchangeAsync(_tracker.HttpEndPoint!, one + two);
        Assert.Equal(2, response.Split("HTTP/1.1 200 OK").Length - 1);
        Assert.Contains(Hash(5).ToHex(), response);
    }

    [Fact]
    public async Task A_silent_connection_does_not_block_others()
    {
        using var idle = new System.Net.Sockets.TcpClient();
        await idle.ConnectAsync(_tracker.HttpEndPoint!);
        await idle.GetStream().WriteAsync("GET /announce?"u8.ToArray());
        await AssertStillAnswersAsync();
    }
}
