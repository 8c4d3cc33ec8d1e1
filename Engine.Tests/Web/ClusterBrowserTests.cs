using System.Net;
using Engine.Events;
using Engine.Host.Web;
using Engine.Tests.Api;
using Engine.Tests.Cluster.Api;
using Engine.Tests.Interop;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Engine.Tests.Web;

/// <summary>The page of a cluster node in headless chromium over two in-process nodes: the cluster panel and a pause from the list.</summary>
public sealed class ClusterBrowserTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-ui");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_nodes_page_shows_the_members_and_each_replicas_progress_and_pauses_every_replica()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "ui-data", 512 * 1024, fileCount: 1, pieceLength: 32 * 1024);
        await using var seeder = ApiTestEngines.Create(_dir.Sub("seeder-state"));
        await (await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"))).WaitForStateAsync(TorrentState.Seeding);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(2, Bound);
        await cluster.Nodes[0].AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 2, sources: [seeder.ListenEndPoint!]);
        await using var server = await WebServer.StartAsync(cluster.Nodes[1], new WebOptions(IPAddress.Loopback, 0, _dir.Sub("web")));
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());

        var hash = torrent.InfoHash.ToHex();
        await Assertions.Expect(page.Locator("#cluster-nodes li.node-up")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#cluster-nodes")).ToContainTextAsync("this node");
        var replicas = page.Locator($"#cluster .cluster-torrent[data-hash='{hash}'] tr.replica");
        await Assertions.Expect(replicas).ToHaveCountAsync(2);
        await Assertions.Expect(replicas.Locator(".pct")).ToHaveTextAsync(["100.0 %", "100.0 %"], new() { Timeout = (float)Bound.TotalMilliseconds });
        await Assertions.Expect(page.Locator($"tr[data-hash='{hash}'] .badge")).ToHaveTextAsync("Seeding");
        await Assertions.Expect(page.Locator("#cluster-error")).ToHaveCountAsync(0);

        await page.Locator($"tr[data-hash='{hash}'] button.pause").ClickAsync();
        await Assertions.Expect(replicas.Locator(".badge")).ToHaveTextAsync(["Paused", "Paused"], new() { Timeout = (float)Bound.TotalMilliseconds });
        await Assertions.Expect(page.Locator($"#cluster .cluster-torrent[data-hash='{hash}']")).ToContainTextAsync("paused");
        foreach (var node in cluster.Nodes) Assert.Equal(TorrentState.Paused, (await node.Engine.Find(torrent.InfoHash)!.GetStatusAsync()).State);

        // Add from the page: the .torrent goes in the catalog (no save directory to choose) and the panel lists it.
        await Assertions.Expect(page.Locator("#add-save")).ToHaveCountAsync(0);
        var second = TorrentFactory.CreateSeeded(_dir, "ui-second", 64 * 1024, fileCount: 1, pieceLength: 32 * 1024);
        await page.Locator("#add-file").SetInputFilesAsync(second.TorrentPath);
        await page.Locator("#add-submit").ClickAsync();
        await Assertions.Expect(page.Locator($"#cluster .cluster-torrent[data-hash='{second.InfoHash.ToHex()}']")).ToContainTextAsync("ui-second");
        await Assertions.Expect(page.Locator("#notices")).ToContainTextAsync("ui-second");
        await ClusterTestNodes.WaitAsync(async () => (await cluster.Nodes[0].ListAsync()).Any(t => t.InfoHash == second.InfoHash), Bound, "the other node listing it");

        var shot = await Browser.ScreenshotAsync(page, "cluster-node");
        output.WriteLine("screenshot: " + shot);
        Assert.Empty(errors);
    }
}
