using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Engine.Host.Web.Rest;
using Engine.Host.Web.Ui;

namespace Engine.Tests.Web;

/// <summary>The REST API over a real engine, through Kestrel on 127.0.0.1 and an HttpClient.</summary>
public sealed class RestApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static MultipartFormDataContent Upload(byte[] torrent, string? saveDirectory = null, string? peer = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(torrent);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/x-bittorrent");
        form.Add(file, "torrent", "x.torrent");
        if (saveDirectory is not null) form.Add(new StringContent(saveDirectory), "saveDirectory");
        if (peer is not null) form.Add(new StringContent(peer), "peer");
        return form;
    }

    private static async Task<T> Get<T>(WebHarness web, string url) =>
        (await web.Http.GetFromJsonAsync<T>(url, Json))!;

    private static async Task<TorrentStatusView> UntilState(WebHarness web, string hash, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var s = await Get<TorrentStatusView>(web, $"api/torrents/{hash}");
            if (s.State == state) return s;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{hash} stayed {s.State}, expected {state}");
            await Task.Delay(50);
        }
    }

    private static async Task Expect(HttpStatusCode status, HttpResponseMessage response)
    {
        if (response.StatusCode != status)
            Assert.Fail($"expected {(int)status} {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<string> Problem(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;

    [Fact]
    public async Task An_uploaded_torrent_with_its_data_present_is_listed_checked_and_seeding()
    {
        await using var web = await WebHarness.StartAsync();
        var (torrent, meta) = web.CreateSeedable("alpha", 300_000);
        using var created = await web.Http.PostAsync("api/torrents", Upload(torrent));
        await Expect(HttpStatusCode.Created, created);
        var hash = meta.InfoHash.ToHex();
        Assert.Equal($"/api/torrents/{hash}", created.Headers.Location!.ToString());
        Assert.Equal(hash, (await created.Content.ReadFromJsonAsync<TorrentStatusView>(Json))!.Hash);

        var seeding = await UntilState(web, hash, "Seeding");
        Assert.Equal(1, seeding.Progress);
        Assert.Equal(meta.PieceCount, seeding.VerifiedPieces);
        Assert.Equal(web.Data, seeding.SaveDirectory);
        var row = Assert.Single(await Get<List<TorrentRow>>(web, "api/torrents"));
        Assert.Equal(("alpha", hash, 300_000L), (row.Name, row.Hash, row.TotalBytes));

        var files = await Get<List<FileRow>>(web, $"api/torrents/{hash}/files");
        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.Equal(1, f.Progress));
        Assert.Equal(300_000, files.Sum(f => f.Length));

        var pieces = await Get<PiecesView>(web, $"api/torrents/{hash}/pieces");
        Assert.Equal((meta.PieceCount, meta.PieceCount), (pieces.PieceCount, pieces.VerifiedCount));
        var bits = Convert.FromBase64String(pieces.Bitfield);
        Assert.Equal((meta.PieceCount + 7) / 8, bits.Length);
        Assert.Equal(meta.PieceCount, bits.Sum(b => System.Numerics.BitOperations.PopCount(b)));

        Assert.Empty(await Get<List<PeerRow>>(web, $"api/torrents/{hash}/peers"));
        Assert.Empty(await Get<List<TrackerRow>>(web, $"api/torrents/{hash}/trackers"));
    }

    [Fact]
    public async Task A_torrent_is_added_by_server_path_or_magnet_in_json_and_webSeeds_false_turns_its_web_seeds_off()
    {
        await using var web = await WebHarness.StartAsync();
        var (torrent, meta) = web.CreateSeedable("beta", 100_000);
        var path = Path.Combine(web.Dir, "beta.torrent");
        await File.WriteAllBytesAsync(path, torrent);
        using var byPath = await web.Http.PostAsJsonAsync("api/torrents", new AddTorrentBody(null, path, null, null, WebSeeds: false));
        await Expect(HttpStatusCode.Created, byPath);
        await UntilState(web, meta.InfoHash.ToHex(), "Seeding");
        Assert.False(web.Engine.Find(meta.InfoHash)!.Options.WebSeeds); // "webSeeds": false reached the torrent's options

        // A magnet goes to the engine as is: it is added (fetching its metadata) or the engine's reason comes back.
        const string magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=gamma";
        using var byMagnet = await web.Http.PostAsJsonAsync("api/torrents", new AddTorrentBody(magnet, null, "sub", null));
        if (byMagnet.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Contains("magnet", await Problem(byMagnet));
            return;
        }
        await Expect(HttpStatusCode.Created, byMagnet);
        var gamma = await Get<TorrentStatusView>(web, "api/torrents/0123456789ABCDEF0123456789ABCDEF01234567");
        Assert.Equal(("gamma", Path.Combine(web.Data, "sub")), (gamma.Name, gamma.SaveDirectory));
        Assert.Equal("FetchingMetadata", gamma.State);
        Assert.Equal(2, (await Get<List<TorrentRow>>(web, "api/torrents")).Count);
    }

    [Fact]
    public async Task Pause_resume_and_remove_with_or_without_the_data()
    {
        await using var web = await WebHarness.StartAsync();
        var (torrent, meta) = web.CreateSeedable("delta", 200_000);
        var hash = meta.InfoHash.ToHex();
        (await web.Http.PostAsync("api/torrents", Upload(torrent))).EnsureSuccessStatusCode();
        await UntilState(web, hash, "Seeding");

        Assert.Equal(HttpStatusCode.NoContent, (await web.Http.PostAsync($"api/torrents/{hash}/pause", null)).StatusCode);
        await UntilState(web, hash, "Paused");
        Assert.Equal(HttpStatusCode.NoContent, (await web.Http.PostAsync($"api/torrents/{hash}/resume", null)).StatusCode);
        await UntilState(web, hash, "Seeding");

        Assert.Equal(HttpStatusCode.NoContent, (await web.Http.DeleteAsync($"api/torrents/{hash}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await web.Http.GetAsync($"api/torrents/{hash}")).StatusCode);
        Assert.True(Directory.Exists(Path.Combine(web.Data, "delta")), "data kept");

        (await web.Http.PostAsync("api/torrents", Upload(torrent))).EnsureSuccessStatusCode();
        await UntilState(web, hash, "Seeding");
        Assert.Equal(HttpStatusCode.NoContent, (await web.Http.DeleteAsync($"api/torrents/{hash}?deleteData=true")).StatusCode);
        Assert.Empty(await Get<List<TorrentRow>>(web, "api/torrents"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(web.Data), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Bad_requests_get_a_problem_naming_what_is_wrong()
    {
        await using var web = await WebHarness.StartAsync();
        var (torrent, meta) = web.CreateSeedable("eps", 50_000);
        var hash = meta.InfoHash.ToHex();

        var badHash = await web.Http.GetAsync("api/torrents/xyz");
        Assert.Equal(HttpStatusCode.BadRequest, badHash.StatusCode);
        Assert.Equal("'xyz' is not a 40-digit hex info-hash", await Problem(badHash));
        var unknown = await web.Http.PostAsync($"api/torrents/{hash}/pause", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal($"no torrent {hash}", await Problem(unknown));

        var garbage = await web.Http.PostAsync("api/torrents", Upload("d4:spam"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.NotEmpty(await Problem(garbage));
        var noFile = await web.Http.PostAsync("api/torrents", new MultipartFormDataContent { { new StringContent("/x"), "saveDirectory" } });
        Assert.Equal("the form needs a 'torrent' file field", await Problem(noFile));
        var badPeer = await web.Http.PostAsync("api/torrents", Upload(torrent, peer: "here"));
        Assert.Equal("peer 'here' is not an address:port", await Problem(badPeer));
        var both = await web.Http.PostAsJsonAsync("api/torrents", new AddTorrentBody("magnet:?xt=urn:btih:" + hash, "/x", null, null));
        Assert.Equal("give exactly one of 'magnet' and 'path'", await Problem(both));
        var missing = await web.Http.PostAsJsonAsync("api/torrents", new AddTorrentBody(null, Path.Combine(web.Dir, "none.torrent"), null, null));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("none.torrent", await Problem(missing));
        var text = await web.Http.PostAsync("api/torrents", new StringContent("hello"));
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await web.Http.PostAsync("api/torrents", Upload(torrent))).StatusCode);
        var again = await web.Http.PostAsync("api/torrents", Upload(torrent));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already added", await Problem(again));
    }

    [Fact]
    public async Task A_state_changing_request_from_another_site_is_refused()
    {
        await using var web = await WebHarness.StartAsync();
        var (torrent, _) = web.CreateSeedable("zeta", 50_000);
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "api/torrents") { Content = Upload(torrent) };
        foreign.Headers.Add("Origin", "http://evil.example");
        var refused = await web.Http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(web.Engine.Torrents);

        using var own = new HttpRequestMessage(HttpMethod.Post, "api/torrents") { Content = Upload(torrent) };
        own.Headers.Add("Origin", web.Server.Address.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.Created, (await web.Http.SendAsync(own)).StatusCode);
    }
}
