using Engine.Tests.Interop;
using Microsoft.Playwright;

namespace Engine.Tests.Web;

/// <summary>
/// Debian's headless chromium driven by Playwright's bundled driver (no browser download ever: the executable
/// path is given). A missing chromium fails the test with the apt-get hint.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private Browser(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Chromium = browser;
    }

    public IPlaywright Playwright { get; }
    public IBrowser Chromium { get; }

    public static async Task<Browser> LaunchAsync()
    {
        string path;
        try
        {
            path = RequiredPrograms.Find("chromium", "chromium");
        }
        catch (MissingProgramException)
        {
            throw new MissingProgramException("'chromium' is not installed; the browser tests need it: apt-get install chromium (./run-tests.sh installs it)");
        }
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                Timeout = 60_000,
            });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page of a fresh context with a desktop-sized viewport; console errors are collected.</summary>
    public async Task<(IPage Page, List<string> Errors)> NewPageAsync()
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add(m.Text); };
        page.PageError += (_, e) => { lock (errors) errors.Add(e); };
        page.SetDefaultTimeout(30_000);
        // Expect(...) waits 5 s by default: under a loaded 2-core CI machine a Blazor re-render can take longer.
        Assertions.SetDefaultExpectTimeout(30_000);
        return (page, errors);
    }

    /// <summary>Saves a full-page PNG under the test output's TestResults/screenshots and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.CloseAsync();
        Playwright.Dispose();
    }
}
