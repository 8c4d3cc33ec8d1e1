using System.Net;
using Engine.Core.Trackers;
using Engine.Tests.Web;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Cluster.Trackers;

/// <summary>The tracker's page of a cluster node in headless chromium over three in-process nodes: the cluster panel and the catalog.</summary>
public sealed class TrackerClusterPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TrackerClusterNodes _cluster = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task InitializeAsync() => _cluster.StartAsync(3, Bound);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_nodes_page_shows_every_member_reachable_with_its_shards_and_the_clusters_catalog()
    {
        var (a, b) = (_cluster.Nodes[0], _cluster.Nodes[1]);
        await _http.GetByteArrayAsync(HttpTrackerCodec.BuildAnnounceUri(a.HttpAnnounceUrl!, Announce(Hash(900), 1)));
        using var published = await _http.PostAsync($"http://{a.HttpEndPoint}/publish", new ByteArrayContent(TorrentFile("page-photos", 200_000)));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);

        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync($"http://{b.HttpEndPoint}/");

        await Assertions.Expect(page.Locator("#cluster")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#members tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#members")).ToContainTextAsync(b.Node + " (this node)");
        await Assertions.Expect(page.Locator("#members tr.down")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#cluster-summary")).ToContainTextAsync("16 of 16 shards answered");
        await Assertions.Expect(page.Locator("#torrents")).ToContainTextAsync("page-photos");
        await Assertions.Expect(page.Locator("#torrents")).ToContainTextAsync(Hash(900).ToHex());

        var shot = await Browser.ScreenshotAsync(page, "tracker-cluster-node");
        output.WriteLine("screenshot: " + shot);
        Assert.Empty(errors);
    }
}
