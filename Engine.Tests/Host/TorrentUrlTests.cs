using System.Net;
using System.Net.Sockets;
using Engine.Host.Commands;
using Engine.Tests.Interop;
using Engine.Tests.Support;

namespace Engine.Tests.Host;

/// <summary>A .torrent given by its http(s) URL: fetched, bounded, and every failure one line naming the URL.</summary>
public sealed class TorrentUrlTests : IAsyncDisposable
{
    private readonly HttpListener _server = new();
    private readonly string _base;
    private readonly Task _serving;
    private readonly CancellationTokenSource _stop = new();

    public TorrentUrlTests()
    {
        var port = FreePorts.Tcp(1)[0];
        _base = $"http://127.0.0.1:{port}/";
        _server.Prefixes.Add(_base);
        _server.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>/sample.torrent: a real torrent; /garbage: not bencode; /huge: an endless body; anything else 404.</summary>
    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _server.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var response = context.Response;
            try
            {
                switch (context.Request.Url!.AbsolutePath)
                {
                    case "/sample.torrent":
                        await response.OutputStream.WriteAsync(await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Corpus, "sample.torrent")));
                        break;
                    case "/garbage":
                        await response.OutputStream.WriteAsync("<html>not a torrent</html>"u8.ToArray());
                        break;
                    case "/huge":
                        response.SendChunked = true;
                        var block = new byte[1 << 20];
                        for (var i = 0; i < 40 && !_stop.IsCancellationRequested; i++) await response.OutputStream.WriteAsync(block);
                        break;
                    default:
                        response.StatusCode = 404;
                        break;
                }
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
        }
    }

    [Fact]
    public async Task Info_reads_a_torrent_from_its_url()
    {
        var output = new StringWriter();
        Assert.Equal(0, await InfoCommand.RunAsync(_base + "sample.torrent", output));
        Assert.Contains("info-hash:     58d8d15a4eb3bd9afabc9cee2564f78192777edb", output.ToString());
    }

    [Theory]
    [InlineData("missing.torrent", "the server answered 404")]
    [InlineData("garbage", "not a usable .torrent")]
    [InlineData("huge", "too big for a .torrent")]
    public async Task A_url_that_gives_no_torrent_is_one_line_naming_it(string path, string message)
    {
        var e = await Assert.ThrowsAsync<CommandLineException>(() => TorrentSource.ResolveAsync(_base + path));
        Assert.StartsWith(_base + path + ": ", e.Message);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task Nothing_listening_at_the_url_is_one_line_too()
    {
        var url = $"http://127.0.0.1:{FreePorts.Tcp(1)[0]}/x.torrent";
        var (code, _, err) = await InProcessHost.RunAsync("info", url);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {url}: ", err.Trim());
        Assert.Single(err.Trim().Split('\n'));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _server.Stop();
        _server.Close();
        await _serving;
        _stop.Dispose();
    }
}
