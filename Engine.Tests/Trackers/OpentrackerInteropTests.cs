using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Tests.Support;

namespace Engine.Tests.Trackers;

/// <summary>
/// The codec against a real opentracker on 127.0.0.1: our announce and scrape URLs must be understood
/// (info-hash encoding included) and its bencoded responses must decode.
/// </summary>
public sealed class OpentrackerInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("opentracker-").FullName;
    // opentracker resets reused keep-alive connections: one connection per request.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10), DefaultRequestHeaders = { ConnectionClose = true } };
    private Process? _tracker;

    public void Dispose()
    {
        _http.Dispose();
        if (_tracker is { HasExited: false }) _tracker.Kill();
        _tracker?.WaitForExit(5000);
        _tracker?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly InfoHash Sentinel = InfoHash.FromHex("5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e");

    private async Task<string> Start(params InfoHash[] allowed)
    {
        // This opentracker build only serves white-listed torrents; it chroots to -d, so the list is /wl.txt.
        // It also drops privileges to 'nobody', who must be able to read both.
        File.WriteAllLines(Path.Combine(_dir, "wl.txt"), allowed.Append(Sentinel).Select(h => h.ToHex()));
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            File.SetUnixFileMode(_dir, readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            File.SetUnixFileMode(Path.Combine(_dir, "wl.txt"), readable);
        }
        var port = FreePorts.Tcp(1)[0];
        var psi = new ProcessStartInfo("opentracker")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "-i", "127.0.0.1", "-p", port.ToString(), "-P", port.ToString(), "-d", _dir, "-w", "/wl.txt" })
            psi.ArgumentList.Add(a);
        try
        {
            _tracker = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"opentracker is not installed ({e.Message}): run `apt-get install opentracker`");
        }
        _tracker.OutputDataReceived += (_, _) => { };
        _tracker.ErrorDataReceived += (_, _) => { };
        _tracker.BeginOutputReadLine();
        _tracker.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            Assert.False(_tracker.HasExited, $"opentracker exited with code {(_tracker.HasExited ? _tracker.ExitCode : 0)}");
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
        // The white list is loaded by a background thread after the socket opens: wait until it is in force.
        var url = $"http://127.0.0.1:{port}/announce";
        var sentinel = new AnnounceRequest(Sentinel, PeerId.CreateOurs(), 1, 0, 0, 1, AnnounceEvent.Started, NumWant: 0);
        while ((await Announce(url, sentinel)).IsFailure)
        {
            Assert.True(DateTime.UtcNow < deadline, "opentracker did not load its white list within 10 s");
            await Task.Delay(50);
        }
        return url;
    }

    private async Task<AnnounceResponse> Announce(string url, AnnounceRequest request)
    {
        var body = await Get(HttpTrackerCodec.BuildAnnounceUri(url, request));
        return HttpTrackerCodec.ParseAnnounceResponse(body);
    }

    /// <summary>
    /// One GET, tried up to three times when the connection is reset before a response arrives. opentracker closes the
    /// socket as soon as it has answered, and a close with request bytes still unread becomes a reset that can overtake
    /// the answer (seen once on a freshly installed machine). The request is repeated whole; every other failure is
    /// the test's.
    /// </summary>
    private async Task<byte[]> Get(Uri uri)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _http.GetByteArrayAsync(uri);
            }
            catch (HttpRequestException e) when (attempt < 3 && e.InnerException is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } })
            {
                await Task.Delay(50);
            }
        }
    }

    private static InfoHash AwkwardHash()
    {
        // Bytes that need percent-encoding ('/', '%', '&', '+', space, NUL, 0xFF) next to plain ones.
        var bytes = new byte[20];
        Random.Shared.NextBytes(bytes);
        "/%&+ \0\u00ff"u8.CopyTo(bytes); // UTF-8 of U+00FF is two bytes: still fine, just more non-ASCII
        return InfoHash.FromBytes(bytes);
    }

    [Fact]
    public async Task Two_announcing_peers_see_each_other_and_the_scrape_counts_them()
    {
        var hash = AwkwardHash();
        var url = await Start(hash);
        var a = new AnnounceRequest(hash, PeerId.CreateOurs(), 6881, 0, 0, 1000, AnnounceEvent.Started, Key: 1);
        var b = a with { PeerId = PeerId.CreateOurs(), Port = 6882, Key = 2 };

        var first = await Announce(url, a);
        Assert.Null(first.FailureReason);
        Assert.True(first.Interval > TimeSpan.Zero);
        var second = await Announce(url, b);
        Assert.Null(second.FailureReason);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 6881), second.Peers);
        Assert.Equal(2, second.Incomplete);
        Assert.Equal(0, second.Complete);

        var scrapeUri = HttpTrackerCodec.BuildScrapeUri(url, [hash])!;
        var scrape = HttpTrackerCodec.ParseScrapeResponse(await Get(scrapeUri));
        Assert.Equal(2, scrape.Files[hash].Incomplete);

        // A completes; then stops: the tracker forgets it.
        var completed = await Announce(url, a with { Event = AnnounceEvent.Completed, Left = 0, Downloaded = 1000 });
        Assert.Equal(1, completed.Complete);
        await Announce(url, a with { Event = AnnounceEvent.Stopped, Left = 0, NumWant = 0 });
        var after = await Announce(url, b with { Event = AnnounceEvent.None });
        Assert.DoesNotContain(new IPEndPoint(IPAddress.Loopback, 6881), after.Peers);
        Assert.Equal(0, after.Complete);
    }

    [Fact]
    public async Task An_unlisted_torrent_gets_a_failure_reason()
    {
        var url = await Start(AwkwardHash());
        var response = await Announce(url, new AnnounceRequest(AwkwardHash(), PeerId.CreateOurs(), 6881, 0, 0, 1, AnnounceEvent.Started));
        Assert.True(response.IsFailure);
        Assert.Contains("not authorized", response.FailureReason);
    }
}
