using Engine.Host.Web.Ui;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Engine.Tests.Web.UiSamples;

namespace Engine.Tests.Web;

/// <summary>The Blazor page in headless chromium over a scripted (engine-less) runtime: rendering and dispatching.</summary>
public sealed class UiBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_page_lists_torrents_opens_details_and_sends_pause_and_remove()
    {
        var effects = new FakeEffects { Torrents = [Row(HashA), Row(HashB, "beta", TorrentRow.States.Paused, progress: 1)] };
        await using var server = await WebShellTests.StartAsync(effects);
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());

        var rowA = page.Locator($"tr[data-hash='{HashA}']");
        await Assertions.Expect(rowA.Locator(".pct")).ToHaveTextAsync("25.0 %");
        await Assertions.Expect(page.Locator($"tr[data-hash='{HashB}'] .pct")).ToHaveTextAsync("100.0 %");
        await Assertions.Expect(page.Locator($"tr[data-hash='{HashB}'] button.resume")).ToBeVisibleAsync();

        await rowA.Locator("td.name").ClickAsync();
        await Assertions.Expect(page.Locator("#details h2")).ToHaveTextAsync("alpha");
        await Assertions.Expect(page.Locator("#files-table")).ToContainTextAsync("alpha/a.bin");
        await page.Locator("#tab-peers").ClickAsync();
        await Assertions.Expect(page.Locator("#peers-table")).ToContainTextAsync("libtorrent 2.0.8");
        await page.Locator("#tab-pieces").ClickAsync();
        await Assertions.Expect(page.Locator("#piece-map .cells i")).ToHaveCountAsync(10);

        await rowA.Locator("button.pause").ClickAsync();
        await WaitFor(() => effects.Ran.Contains(new Cmd.Pause(HashA)), "the pause command");

        await page.Locator($"tr[data-hash='{HashB}'] button.remove").ClickAsync();
        await Assertions.Expect(page.Locator("#remove-dialog")).ToContainTextAsync("beta");
        // The fake drops beta from its listing only when the remove command runs: were it dropped before the click,
        // the next poll could take beta (and its open dialog) off the page under the pointer.
        await page.Locator("#remove-keep").ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-hash='{HashB}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#notices")).ToContainTextAsync("removed beta (data kept)");
        Assert.Contains(new Cmd.Remove(HashB, false), effects.Ran);

        var shot = await Browser.ScreenshotAsync(page, "ui-scripted");
        output.WriteLine("screenshot: " + shot);
        Console.WriteLine("screenshot: " + shot);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_add_form_shows_validation_errors_from_the_update_function()
    {
        await using var server = await WebShellTests.StartAsync(new FakeEffects());
        await using var browser = await Browser.LaunchAsync();
        var (page, _) = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await Assertions.Expect(page.Locator("#no-torrents")).ToBeVisibleAsync();
        await page.Locator("#source-magnet").ClickAsync();
        await page.Locator("#add-magnet").FillAsync("not a magnet");
        await page.Locator("#add-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#add-error")).ToHaveTextAsync("a magnet link starts with 'magnet:'");
        await page.Locator("#add-magnet").FillAsync(Magnet);
        await page.Locator("#add-peer").FillAsync("nowhere");
        await page.Locator("#add-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#add-error")).ToHaveTextAsync("peer 'nowhere' is not an address:port");
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
