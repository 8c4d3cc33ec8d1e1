using System.Globalization;
using Engine.Tests.Interop;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Engine.Tests.Web;

/// <summary>
/// End to end: headless chromium adds a .torrent through the page's upload form, with the address of a python
/// libtorrent seeder (no tracker) as the peer, and watches it reach 100 % without reloading.
/// </summary>
public sealed class WebDownloadBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_torrent_uploaded_in_the_page_downloads_from_libtorrent_to_100_percent_with_live_updates()
    {
        await using var web = await WebHarness.StartAsync();
        var seedDir = web.Dir.Sub("seed");
        var set = TestData.CreateTree(seedDir, "webdemo", 12L * 1024 * 1024, seed: 42, fileCount: 4);
        var torrent = TorrentFactory.Create(set.Root, "http://127.0.0.1:1/announce", 64 * 1024, Path.Combine(web.Dir, "webdemo.torrent"));
        // 3 MiB/s: about four seconds, long enough to see the page move while it downloads.
        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, seedDir,
            new LibtorrentOptions { NoTracker = true, UploadLimit = 3 * 1024 * 1024 });
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        var downloads = web.Dir.Sub("downloads");

        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(web.Server.Address.ToString());
        await Assertions.Expect(page.Locator("#no-torrents")).ToBeVisibleAsync();

        await page.Locator("#add-file").SetInputFilesAsync(torrent.TorrentPath);
        await Assertions.Expect(page.Locator("#add-panel")).ToContainTextAsync("webdemo.torrent");
        await page.Locator("#add-save").FillAsync(downloads);
        await page.Locator("#add-peer").FillAsync($"127.0.0.1:{seeder.Port}");
        await page.Locator("#add-submit").ClickAsync();

        var row = page.Locator($"tr[data-hash='{torrent.InfoHashHex}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await row.Locator("td.name").ClickAsync();
        await page.Locator("#tab-peers").ClickAsync();

        // Read the progress label as the circuit pushes it: it must pass through values between 0 and 100.
        var seen = new SortedSet<double>();
        string? midShot = null, piecesShot = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var label = await row.Locator(".pct").TextContentAsync() ?? "";
            var value = double.Parse(label.Replace("%", "").Trim(), CultureInfo.InvariantCulture);
            seen.Add(value);
            if (value is > 20 and < 90 && midShot is null && await page.Locator("#peers-table").CountAsync() > 0)
            {
                midShot = await Browser.ScreenshotAsync(page, "web-download-peers");
                await page.Locator("#tab-pieces").ClickAsync();
            }
            else if (value is > 40 and < 95 && midShot is not null && piecesShot is null)
                piecesShot = await Browser.ScreenshotAsync(page, "web-download-pieces");
            if (value >= 100) break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the page showed {label} after 90 s (seen {string.Join(", ", seen)})\n{seeder.Describe()}");
            await Task.Delay(100);
        }
        Assert.Contains(seen, v => v is > 0 and < 100);
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("Seeding", new() { Timeout = 30_000 });

        await page.Locator("#tab-files").ClickAsync();
        await Assertions.Expect(page.Locator("#files-table .pct")).ToHaveTextAsync(Enumerable.Repeat("100.0 %", set.Files.Count).ToArray());
        await page.Locator("#tab-pieces").ClickAsync();
        await Assertions.Expect(page.Locator("#piece-map")).ToHaveAttributeAsync("data-verified", "192");
        await page.Locator("#tab-files").ClickAsync();
        var shot = await Browser.ScreenshotAsync(page, "web-download-complete");
        foreach (var line in new[] { shot, midShot, piecesShot }.OfType<string>().Select(p => "screenshot: " + p)
                     .Append("progress labels seen: " + string.Join(", ", seen)))
        {
            output.WriteLine(line);
            Console.WriteLine(line);
        }

        DirectoryComparer.AssertIdentical(set.Root, Path.Combine(downloads, "webdemo"));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_magnet_link_pasted_in_the_page_gets_its_name_from_the_peer_and_completes()
    {
        await using var web = await WebHarness.StartAsync();
        var seedDir = web.Dir.Sub("seed");
        var set = TestData.CreateTree(seedDir, "webmagnet", 3L * 1024 * 1024, seed: 43, fileCount: 3);
        var torrent = TorrentFactory.Create(set.Root, "http://127.0.0.1:1/announce", 32 * 1024, Path.Combine(web.Dir, "webmagnet.torrent"));
        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, seedDir, new LibtorrentOptions { NoTracker = true });
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        var downloads = web.Dir.Sub("downloads");

        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(web.Server.Address.ToString());
        await page.Locator("#source-magnet").ClickAsync();
        await page.Locator("#add-magnet").FillAsync($"magnet:?xt=urn:btih:{torrent.InfoHashHex}");
        await page.Locator("#add-save").FillAsync(downloads);
        await page.Locator("#add-peer").FillAsync($"127.0.0.1:{seeder.Port}");
        await page.Locator("#add-submit").ClickAsync();

        var row = page.Locator($"tr[data-hash='{torrent.InfoHashHex}']");
        await Assertions.Expect(row.Locator("td.name")).ToHaveTextAsync("webmagnet", new() { Timeout = 60_000 });
        await Assertions.Expect(row.Locator(".pct")).ToHaveTextAsync("100.0 %", new() { Timeout = 60_000 });
        // The size is unknown (0 B) until the metadata arrives; the next status poll shows it.
        await Assertions.Expect(row.Locator("td.num").First).ToHaveTextAsync("3.0 MiB");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("Seeding");
        await page.WaitForTimeoutAsync(600); // let the progress bar's width transition finish for the screenshot
        var shot = await Browser.ScreenshotAsync(page, "web-magnet-complete");
        output.WriteLine("screenshot: " + shot);
        Console.WriteLine("screenshot: " + shot);
        DirectoryComparer.AssertIdentical(set.Root, Path.Combine(downloads, "webmagnet"));
        Assert.Empty(errors);
    }
}
