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
        // The browser reads the file over the circuit: Add before it arrives would only say "choose a file".
        await Assertions.Expect(page.Locator("#add-panel")).ToContainTextAsync(Path.GetFileName(second.TorrentPath));
        await page.Locator("#add-submit").ClickAsync();
        await Assertions.Expect(page.Locator($"#cluster .cluster-torrent[data-hash='{second.InfoHash.ToHex()}']")).ToContainTextAsync("ui-second");
        await Assertions.Expect(page.Locator("#notices")).ToContainTextAsync("ui-second");
        await ClusterTestNodes.WaitAsync(async () => (await cluster.Nodes[0].ListAsync()).Any(t => t.InfoHash == second.InfoHash), Bound, "the other node listing it");

        var shot = await Browser.ScreenshotAsync(page, "cluster-node");
        output.WriteLine("screenshot: " + shot);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_node_that_holds_no_replica_sets_a_torrents_limits_and_a_file_priority_from_the_page_and_the_holder_applies_them()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "ui-settings", 192 * 1024, fileCount: 3, pieceLength: 32 * 1024);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(2, Bound);
        await cluster.Nodes[0].AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 1);
        await ClusterTestNodes.WaitAsync(async () => (await cluster.Nodes[1].ListAsync()).Any(t => t.InfoHash == torrent.InfoHash), Bound, "both nodes listing it");
        var placed = (await cluster.Nodes[0].ListAsync()).Single().PlacedOn.Single();
        var holder = cluster.Nodes.Single(n => n.Node == placed);
        var other = cluster.Nodes.Single(n => n.Node != placed);
        await using var server = await WebServer.StartAsync(other, new WebOptions(IPAddress.Loopback, 0, _dir.Sub("web")));
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());

        var hash = torrent.InfoHash.ToHex();
        await page.Locator($"tr[data-hash='{hash}'] td.name").ClickAsync();
        // No replica here: the files come from the catalog's .torrent.
        var file = page.Locator("#files-table tbody tr[data-index='1']");
        await Assertions.Expect(file.Locator(".file-priority")).ToHaveValueAsync("normal");
        await page.Locator("#limit-upload").FillAsync("200k");
        await page.Locator("#limit-apply").ClickAsync();
        await Assertions.Expect(page.Locator("#notices")).ToContainTextAsync("limits of ui-settings set");
        await file.Locator(".file-priority").SelectOptionAsync("skip");
        await Assertions.Expect(file.Locator(".file-check")).Not.ToBeCheckedAsync(new() { Timeout = 15_000 });

        await ClusterTestNodes.WaitAsync(async () => (await holder.ListAsync()).Single() is { UploadLimit: 200 * 1024, DownloadLimit: null } t
            && t.FilePriorities.Count > 1 && t.FilePriorities[1] == Engine.Api.FilePriority.Skip, Bound, "the holder's catalog");
        var handle = holder.Engine.Find(torrent.InfoHash)!;
        await ClusterTestNodes.WaitAsync(async () => handle.Options.UploadLimit == 200 * 1024
            && (await handle.GetStatusAsync()).Files.Single(f => f.Index == 1).Priority == Engine.Api.FilePriority.Skip, Bound, "the holder's engine");
        Assert.Null(other.Engine.Find(torrent.InfoHash));
        await Assertions.Expect(page.Locator("#limit-upload")).ToHaveValueAsync("200k");
        output.WriteLine("screenshot: " + await Browser.ScreenshotAsync(page, "cluster-node-settings"));
        Assert.Empty(errors);
    }
}
