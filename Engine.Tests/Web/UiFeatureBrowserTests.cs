using System.Net;
using Engine.Host.Web;
using Engine.Host.Web.Runtime;
using Engine.Host.Web.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Engine.Tests.Web.UiSamples;

namespace Engine.Tests.Web;

/// <summary>Issue 18's web UI in headless chromium over a scripted runtime: first paint, labels, the list's tools, settings, limits, graph, dark mode, sign-in.</summary>
public sealed class UiFeatureBrowserTests(ITestOutputHelper output)
{
    private const string HashC = "cccccccccccccccccccccccccccccccccccccccc";

    private static FakeEffects Three() => new()
    {
        Torrents =
        [
            Row(HashA, "alpha", TorrentRow.States.Downloading, progress: 0.5) with { DownloadRate = 300_000 },
            Row(HashB, "beta", TorrentRow.States.Paused, progress: 0.9),
            Row(HashC, "gamma", TorrentRow.States.FetchingMetadata, progress: 0),
        ],
    };

    [Fact]
    public async Task The_first_paint_is_prerendered_with_a_loading_state_before_any_script_runs()
    {
        await using var server = await WebShellTests.StartAsync(Three());
        using var http = new HttpClient { BaseAddress = server.Address };
        var html = await http.GetStringAsync("/");
        Assert.Contains("class=\"topbar\"", html);
        Assert.Contains("id=\"torrents-loading\"", html);
        Assert.Contains("id=\"add-submit\"", html);

        await using var browser = await Browser.LaunchAsync();
        await using var noScript = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await noScript.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await Assertions.Expect(page.Locator("#torrents-loading")).ToHaveTextAsync("loading torrents…");
        await Assertions.Expect(page.Locator(".topbar h1")).ToHaveTextAsync("Engine");
        // Until the circuit connects the controls are disabled: a click on them would be lost.
        await Assertions.Expect(page.Locator("#add-submit")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#settings-open")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task States_have_friendly_labels_and_the_list_sorts_filters_and_pauses_the_ticked_torrents()
    {
        var effects = Three();
        await using var server = await WebShellTests.StartAsync(effects);
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await Assertions.Expect(page.Locator($"tr[data-hash='{HashC}'] .badge")).ToHaveTextAsync("Fetching metadata");
        await Assertions.Expect(page.Locator($"tr[data-hash='{HashB}'] .badge")).ToHaveTextAsync("Paused");

        await page.Locator("#sort-progress").ClickAsync();
        await Assertions.Expect(page.Locator("#torrent-table tbody td.name")).ToHaveTextAsync(["gamma", "alpha", "beta"]);
        await page.Locator("#sort-progress").ClickAsync();
        await Assertions.Expect(page.Locator("#torrent-table tbody td.name")).ToHaveTextAsync(["beta", "alpha", "gamma"]);
        await Assertions.Expect(page.Locator("#sort-progress")).ToContainTextAsync("▼");

        await page.Locator("#filter").FillAsync("metadata");
        await Assertions.Expect(page.Locator("#torrent-table tbody td.name")).ToHaveTextAsync(["gamma"]);
        await page.Locator("#filter").FillAsync("");
        await Assertions.Expect(page.Locator("#torrent-table tbody tr")).ToHaveCountAsync(3);

        await page.Locator($"tr[data-hash='{HashA}'] .row-check").CheckAsync();
        await page.Locator($"tr[data-hash='{HashC}'] .row-check").CheckAsync();
        await Assertions.Expect(page.Locator("#checked-count")).ToHaveTextAsync("2 selected");
        await page.Locator("#bulk-pause").ClickAsync();
        await WaitFor(() => effects.Ran.Contains(new Cmd.Pause(HashA)) && effects.Ran.Contains(new Cmd.Pause(HashC)), "both pauses");
        Assert.DoesNotContain(new Cmd.Pause(HashB), effects.Ran);
        await page.Locator("#check-all").CheckAsync();
        await Assertions.Expect(page.Locator("#checked-count")).ToHaveTextAsync("3 selected");
        await page.Locator("#bulk-remove").ClickAsync();
        await Assertions.Expect(page.Locator("#remove-dialog")).ToContainTextAsync("3 torrents");
        await page.Locator("#remove-keep").ClickAsync();
        await Assertions.Expect(page.Locator("#torrent-table tbody tr")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        Assert.Contains(new Cmd.Remove(HashB, false), effects.Ran);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Settings_change_the_engines_limits_and_a_torrent_gets_limits_of_its_own()
    {
        var effects = Three();
        await using var server = await WebShellTests.StartAsync(effects);
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await Assertions.Expect(page.Locator("#torrent-table tbody tr")).ToHaveCountAsync(3);

        await page.Locator("#settings-open").ClickAsync();
        await Assertions.Expect(page.Locator("#setting-listen")).ToContainTextAsync("127.0.0.1:6881");
        await page.Locator("#setting-upload").FillAsync("lots");
        await page.Locator("#settings-save").ClickAsync();
        await Assertions.Expect(page.Locator("#settings-error")).ToContainTextAsync("upload limit 'lots' is not a rate");
        await page.Locator("#setting-upload").FillAsync("1M");
        await page.Locator("#setting-download").FillAsync("500k");
        await page.Locator("#settings-save").ClickAsync();
        await Assertions.Expect(page.Locator("#notices")).ToContainTextAsync("settings saved");
        Assert.Contains(new Cmd.SaveSettings(1024 * 1024, 500 * 1024, "/data"), effects.Ran);

        await page.Locator($"tr[data-hash='{HashA}'] td.name").ClickAsync();
        // Tiers are counted from 1 in the page, as `info` prints them (the API's Tier 0 is "1").
        await page.Locator("#tab-trackers").ClickAsync();
        await Assertions.Expect(page.Locator("#trackers-table tbody td.num").First).ToHaveTextAsync("1");
        await page.Locator("#limit-upload").FillAsync("64k");
        await page.Locator("#limit-apply").ClickAsync();
        await WaitFor(() => effects.Ran.Contains(new Cmd.SetTorrentLimits(HashA, 64 * 1024, null)), "the torrent's limits");
        await Assertions.Expect(page.Locator("#notices")).ToContainTextAsync("limits of alpha set");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_rate_graph_draws_the_polled_rates_and_dark_mode_follows_the_system()
    {
        await using var server = await WebShellTests.StartAsync(Three());
        await using var browser = await Browser.LaunchAsync();
        await using var dark = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ColorScheme = ColorScheme.Dark });
        var page = await dark.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await Assertions.Expect(page.Locator("#rate-graph .legend.down")).ToHaveTextAsync("↓ 294.9 KiB/s");
        await WaitFor(async () => ((await page.Locator("#rate-graph polyline.down").GetAttributeAsync("points")) ?? "").Split(' ').Length >= 2, "two samples in the graph");
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.documentElement).backgroundColor");
        Assert.Equal("rgb(15, 20, 27)", background);
        await using var light = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ColorScheme = ColorScheme.Light });
        var lightPage = await light.NewPageAsync();
        await lightPage.GotoAsync(server.Address.ToString());
        Assert.Equal("rgb(244, 246, 249)", await lightPage.EvaluateAsync<string>("getComputedStyle(document.documentElement).backgroundColor"));
        output.WriteLine("screenshot: " + await Browser.ScreenshotAsync(page, "ui-dark"));
    }

    [Fact]
    public async Task With_a_password_the_page_and_the_api_need_a_sign_in_or_a_bearer_token()
    {
        var effects = Three();
        await using var server = await WebServer.StartAsync(new WebOptions(IPAddress.Loopback, 0, "/data") { Password = "s3cret" },
            s => s.AddSingleton<IUiEffects>(effects), app => app.MapGet("/api/torrents", () => Results.Ok("listed")));
        using (var anonymous = new HttpClient { BaseAddress = server.Address })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/torrents")).StatusCode);
            anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/torrents")).StatusCode);
            anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "s3cret");
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("api/torrents")).StatusCode);
        }

        await using var browser = await Browser.LaunchAsync();
        var (page, _) = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync();
        Assert.Contains("/login", page.Url);
        await page.Locator("#password").FillAsync("guess");
        await page.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync("wrong password");
        await page.Locator("#password").FillAsync("s3cret");
        await page.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-hash='{HashA}'] td.name")).ToHaveTextAsync("alpha");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "engine-session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
    }

    [Fact]
    public async Task The_files_tab_skips_a_file_with_its_checkbox_and_sets_a_priority_with_its_menu()
    {
        var effects = Three();
        await using var server = await WebShellTests.StartAsync(effects);
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await Assertions.Expect(page.Locator("#torrent-table tbody tr")).ToHaveCountAsync(3);
        await page.Locator($"tr[data-hash='{HashA}'] td.name").ClickAsync();
        var row = page.Locator("#files-table tbody tr[data-index='0']");
        await Assertions.Expect(row.Locator(".file-check")).ToBeCheckedAsync();
        await Assertions.Expect(row.Locator(".file-priority")).ToHaveValueAsync("normal");
        await row.Locator(".file-check").UncheckAsync();
        await WaitFor(() => effects.Ran.Contains(new Cmd.SetFilePriority(HashA, 0, "skip")), "the file skipped");
        await row.Locator(".file-priority").SelectOptionAsync("high");
        await WaitFor(() => effects.Ran.Contains(new Cmd.SetFilePriority(HashA, 0, "high")), "the file's priority");
        Assert.Empty(errors);
    }

    private static async Task WaitFor(Func<bool> condition, string what) => await WaitFor(() => Task.FromResult(condition()), what);

    private static async Task WaitFor(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(50);
        }
    }
}
