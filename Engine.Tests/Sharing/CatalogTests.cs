using System.Text;
using Engine.Core.Primitives;
using Engine.Sharing;
using Engine.TrackerServer;

namespace Engine.Tests.Sharing;

public sealed class CatalogTests
{
    private static readonly InfoHash A = InfoHash.FromHex("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    private static readonly InfoHash B = InfoHash.FromHex("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    private static readonly InfoHash C = InfoHash.FromHex("cccccccccccccccccccccccccccccccccccccccc");

    [Fact]
    public void The_trackers_catalog_json_is_read_back()
    {
        var json = CatalogJson.Catalog(
            [new CatalogEntry(A, "photos.zip", 123, 2, 1, 5, true), new CatalogEntry(B, null, null, 0, 3, 0, false)], 2, 6);
        var items = CatalogReader.ReadCatalog(json);
        Assert.Equal([new CatalogItem(A, "photos.zip", 123, 2, 1, 5, true), new CatalogItem(B, null, null, 0, 3, 0, false)], items);
    }

    [Theory]
    [InlineData("{}", "no 'torrents' array")]
    [InlineData("{\"torrents\":[{\"infoHash\":\"xyz\"}]}", "no 40-digit hex 'infoHash'")]
    [InlineData("{\"torrents\":[3]}", "is not an object")]
    [InlineData("<html>", "not valid JSON")]
    public void A_catalog_we_cannot_read_is_a_format_error(string json, string problem) =>
        Assert.Contains(problem, Assert.Throws<FormatException>(() => CatalogReader.ReadCatalog(Encoding.UTF8.GetBytes(json))).Message);

    [Fact]
    public void Error_bodies_give_their_message_or_null()
    {
        Assert.Equal("not allowed", CatalogReader.ReadError(CatalogJson.Error("not allowed")));
        Assert.Null(CatalogReader.ReadError("oops"u8));
    }

    private static readonly IReadOnlyList<CatalogItem> Catalog =
    [
        new(A, "report.pdf", 10, 1, 0, 0, true),
        new(B, "dup.bin", 10, 1, 0, 0, true),
        new(C, "dup.bin", 11, 1, 0, 0, true),
        new(InfoHash.FromHex("dddddddddddddddddddddddddddddddddddddddd"), null, null, 3, 0, 0, false),
    ];

    [Fact]
    public void Lookup_by_exact_name_or_info_hash()
    {
        Assert.Equal(A, CatalogLookup.Find(Catalog, "report.pdf").Item!.InfoHash);
        Assert.Equal(C, CatalogLookup.Find(Catalog, " CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC ").Item!.InfoHash);
    }

    [Theory]
    [InlineData("dup.bin", "2 torrents are named 'dup.bin'")]
    [InlineData("report", "no torrent named 'report' in the catalog (did you mean: report.pdf?)")]
    [InlineData("nothing", "no torrent named 'nothing' in the catalog")]
    [InlineData("dddddddddddddddddddddddddddddddddddddddd", "nobody published its .torrent file")]
    [InlineData("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "no torrent eeee")]
    [InlineData("  ", "give a name or an info-hash")]
    public void Lookup_failures_say_why(string query, string problem)
    {
        var (item, error) = CatalogLookup.Find(Catalog, query);
        Assert.Null(item);
        Assert.Contains(problem, error);
    }

    [Theory]
    [InlineData("http://127.0.0.1:6969/announce", "http://127.0.0.1:6969/")]
    [InlineData("http://127.0.0.1:6969", "http://127.0.0.1:6969/")]
    [InlineData("https://t.example/tracker/announce?x=1", "https://t.example/tracker/")]
    public void The_catalog_root_comes_from_an_http_tracker_url(string tracker, string root) =>
        Assert.Equal(new Uri(root), TrackerCatalogClient.BaseUriFor(tracker));

    [Fact]
    public void Udp_trackers_have_no_catalog_and_a_root_url_announces_at_slash_announce()
    {
        Assert.Null(TrackerCatalogClient.BaseUriFor("udp://127.0.0.1:6969/announce"));
        Assert.Equal("http://127.0.0.1:6969/announce", TrackerCatalogClient.AnnounceUrlFor("http://127.0.0.1:6969"));
        Assert.Equal("udp://127.0.0.1:6969/announce", TrackerCatalogClient.AnnounceUrlFor("udp://127.0.0.1:6969/announce"));
        Assert.Equal("http://h/x/announce", TrackerCatalogClient.AnnounceUrlFor("http://h/x/announce"));
    }
}
