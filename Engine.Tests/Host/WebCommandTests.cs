using System.Net;
using System.Text.RegularExpressions;
using Engine.Host.Cli;
using Engine.Host.Commands;
using Engine.Tests.Interop;

namespace Engine.Tests.Host;

public sealed partial class WebCommandTests
{
    [Fact]
    public void Arguments_default_to_loopback_for_the_ui_port_8080_and_the_peer_port_range_on_any_address()
    {
        var a = WebCommand.Parse();
        Assert.Equal((8080, IPAddress.Loopback, "."), (a.Port, a.Bind, a.DataDirectory));
        Assert.Equal(new ListenSpec(IPAddress.Any, PortRange.Default), a.Peers);
        var b = WebCommand.Parse("--port", "0", "--bind", "0.0.0.0", "--data", "/srv/t", "--peer-port", "51413", "--peer-bind", "127.0.0.1");
        Assert.Equal((0, IPAddress.Any, "/srv/t"), (b.Port, b.Bind, b.DataDirectory));
        Assert.Equal(new ListenSpec(IPAddress.Loopback, new PortRange(51413, 51413)), b.Peers);
    }

    [Theory]
    [InlineData(new[] { "--port" }, "Required argument missing for option: '--port'")]
    [InlineData(new[] { "--port", "70000" }, "--port: '70000' is not a port")]
    [InlineData(new[] { "--port", "1", "--bind", "here" }, "--bind: 'here' is not an IP address")]
    [InlineData(new[] { "--port", "1", "--gui" }, "Unrecognized command or argument '--gui'")]
    public void Bad_arguments_are_named(string[] args, string message)
    {
        Assert.Contains(message, Assert.Throws<UsageException>(() => WebCommand.Parse(args)).Message);
    }

    private static WebCommand.Arguments Local(TempDir dir) =>
        new(0, IPAddress.Loopback, dir.Sub("data"), new ListenSpec(IPAddress.Loopback, PortRange.Any), HostSettings.Load(null, dir.Sub("state")));

    [Fact]
    public async Task The_command_serves_the_page_and_the_api_until_stopped()
    {
        using var dir = new TempDir("webcmd");
        var output = new StringWriter();
        var synced = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var serving = WebCommand.ServeAsync(Local(dir), synced, stop.Token);
        var address = await AddressAsync(() => output.ToString(), serving);
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        Assert.Equal("[]", await http.GetStringAsync("api/torrents"));
        Assert.Contains("blazor.web", await http.GetStringAsync("/"));
        Assert.Matches(@"peers:  127\.0\.0\.1:\d+", output.ToString());
        var data = TestData.CreateTree(dir.Sub("data"), "kept", 50_000, seed: 5, fileCount: 2);
        var torrent = new ByteArrayContent(Engine.Metainfo.TorrentCreator.Create(data.Root));
        (await http.PostAsync("api/torrents", new MultipartFormDataContent { { torrent, "torrent", "kept.torrent" } })).EnsureSuccessStatusCode();
        stop.Cancel();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.EndsWith("stopped" + Environment.NewLine, output.ToString());

        // A second run in the same data directory adds the torrent again.
        var again = new StringWriter();
        using var stop2 = new CancellationTokenSource();
        var serving2 = WebCommand.ServeAsync(Local(dir), TextWriter.Synchronized(again), stop2.Token);
        var address2 = await AddressAsync(() => again.ToString(), serving2);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!again.ToString().Contains("restored 1 torrent(s) from the last run") && DateTime.UtcNow < deadline) await Task.Delay(50);
        using var http2 = new HttpClient { BaseAddress = new Uri(address2) };
        Assert.Contains("\"name\":\"kept\"", await http2.GetStringAsync("api/torrents"));
        stop2.Cancel();
        Assert.Equal(0, await serving2.WaitAsync(TimeSpan.FromSeconds(10)));
        // Nothing of the host's own is written into the data directory: the session and resume records are under the state directory.
        Assert.Equal(["kept"], Directory.GetFileSystemEntries(dir.Sub("data")).Select(Path.GetFileName));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Sub("state"), "sessions"), "*.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_host_process_serves_blazor_from_its_build_output_and_stops_on_sigterm()
    {
        using var dir = new TempDir("webproc");
        var host = Path.Combine(AppContext.BaseDirectory, "Engine.Host.dll");
        var lines = new List<string>();
        await using var process = ExternalProcess.Start(new ProcessSpec("dotnet",
            [host, "web", "--port", "0", "--data", dir.Sub("data"), "--peer-port", "0", "--peer-bind", "127.0.0.1", "--state-dir", dir.Sub("state")])
        { Name = "engine-host-web", MaxLifetime = TimeSpan.FromMinutes(2) }, line => { lock (lines) lines.Add(line); });
        var address = await AddressAsync(() => { lock (lines) return string.Join("\n", lines); }, process.Exited);
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var html = await http.GetStringAsync("/");
        var script = Script().Match(html).Groups[1].Value;
        Assert.StartsWith("_framework/blazor.web", script);
        using var js = await http.GetAsync(script);
        Assert.True(js.IsSuccessStatusCode, $"{script}: {(int)js.StatusCode}");
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        await process.SignalAsync(ExternalProcess.SigTerm);
        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        lock (lines) Assert.Contains("stopped", lines);
    }

    private static async Task<string> AddressAsync(Func<string> output, Task running)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var match = Address().Match(output());
            if (match.Success) return match.Groups[1].Value;
            if (running.IsCompleted) throw new InvalidOperationException("the web command ended before listening:\n" + output());
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no 'web ui:' line within 30 s:\n" + output());
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"web ui: (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex Address();

    [GeneratedRegex("<script src=\"([^\"]+)\"")]
    private static partial Regex Script();
}
