using System.Net;
using System.Text.RegularExpressions;
using Engine.Host.Web.Runtime;
using Engine.Host.Web;
using Microsoft.Extensions.DependencyInjection;
using static Engine.Tests.Web.UiSamples;

namespace Engine.Tests.Web;

/// <summary>The page shell and its local assets, served by a real Kestrel on 127.0.0.1 (no engine behind it).</summary>
public sealed partial class WebShellTests
{
    internal static Task<WebServer> StartAsync(FakeEffects effects) =>
        WebServer.StartAsync(new WebOptions(IPAddress.Loopback, 0, "/data"), s => s.AddSingleton<IUiEffects>(effects));

    [Fact]
    public async Task The_page_loads_blazor_from_this_server_and_nothing_from_elsewhere()
    {
        await using var server = await StartAsync(new FakeEffects { Torrents = [Row(HashA)] });
        using var http = new HttpClient { BaseAddress = server.Address };
        var html = await http.GetStringAsync("/");
        var scripts = ScriptOrLink().Matches(html).Select(m => m.Groups[1].Value).Where(u => !u.StartsWith("api/", StringComparison.Ordinal)).ToList();
        Assert.Contains(scripts, s => s.StartsWith("_framework/blazor.web", StringComparison.Ordinal));
        Assert.All(scripts, s => Assert.DoesNotContain("//", s));
        foreach (var url in scripts)
        {
            using var response = await http.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
        }
        var css = await http.GetAsync("assets/site.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_server_listens_on_the_asked_loopback_address()
    {
        await using var server = await StartAsync(new FakeEffects());
        Assert.Equal("127.0.0.1", server.Address.Host);
        Assert.NotEqual(0, server.Address.Port);
    }

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex ScriptOrLink();
}
