using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Tests.Lab;
using Engine.Tests.TrackerServer;
using Engine.TrackerServer;
using Xunit.Abstractions;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Hostile;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

/// <summary>
/// Floods against our tracker — declared-but-unsent bodies, idle connections, one address's connections, publishes from
/// strangers — while a client's announce is still answered and the memory held for bodies stays within its budget.
/// </summary>
public sealed class TrackerFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Token = "a-publish-token-0123456789";
    private readonly TrackerServer _tracker = new(new TrackerOptions
    {
        PublishFrom = [new IPNetwork(IPAddress.Loopback, 32)],
        PublishToken = Token,
        MaxBodyBytesInFlight = 32 * 1024 * 1024,
    });
    private readonly List<Socket> _sockets = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task InitializeAsync() => _tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null);

    public async Task DisposeAsync()
    {
        foreach (var s in _sockets) s.Dispose();
        _http.Dispose();
        await _tracker.DisposeAsync();
    }

    private async Task<Socket> OpenAsync(IPAddress? from = null, string? send = null)
    {
        var s = await LoopbackLab.ConnectFromAsync(from ?? IPAddress.Loopback, _tracker.HttpEndPoint!);
        _sockets.Add(s);
        if (send is not null) await s.SendAsync(Encoding.ASCII.GetBytes(send));
        return s;
    }

    private async Task AnnounceIsAnsweredAsync()
    {
        var uri = HttpTrackerCodec.BuildAnnounceUri(_tracker.HttpAnnounceUrl!, Announce(Hash(77), 1));
        var answer = HttpTrackerCodec.ParseAnnounceResponse(await _http.GetByteArrayAsync(uri));
        Assert.False(answer.IsFailure, answer.FailureReason);
    }

    [Fact]
    public async Task Bodies_declared_but_not_sent_cost_nothing_beyond_the_budget_and_announces_are_still_answered()
    {
        // 250 publishes declaring 4 MiB each and sending 1 KiB of it: before, 1 GB was allocated up front.
        for (var i = 0; i < 250; i++)
            await OpenAsync(send: $"POST /publish HTTP/1.1\r\nHost: t\r\nContent-Length: {4 * 1024 * 1024}\r\n\r\n" + new string('d', 1024));
        await Task.Delay(500);
        await AnnounceIsAnsweredAsync();
        var bodies = _tracker.Http!.Bodies;
        output.WriteLine($"bodies held at peak: {bodies.PeakInUse / 1024} KiB (budget {bodies.Capacity / 1024} KiB)");
        Assert.True(bodies.PeakInUse <= bodies.Capacity);
        Assert.True(bodies.PeakInUse <= 250L * TrackerHttpServer.BodyStep, $"{bodies.PeakInUse} bytes held for 250 KiB received");
    }

    [Fact]
    public async Task Idle_connections_filling_every_place_do_not_lock_out_an_announce()
    {
        for (var i = 0; i < TrackerHttpServer.MaxConnections + 44; i++) await OpenAsync();
        await Task.Delay(300);
        await AnnounceIsAnsweredAsync();
        // The evicted connections' tasks end as they notice (bounded wait).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_tracker.Http!.OpenConnections > TrackerHttpServer.MaxConnections && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(_tracker.Http.OpenConnections <= TrackerHttpServer.MaxConnections, $"{_tracker.Http.OpenConnections} connections open");
    }

    [Fact]
    public async Task One_address_may_keep_only_so_many_connections_open()
    {
        var host = LoopbackLab.NewHost();
        var sockets = new List<Socket>();
        for (var i = 0; i < 40; i++) sockets.Add(await OpenAsync(host));
        var refused = 0;
        var buffer = new byte[512];
        foreach (var s in sockets)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n > 0 && Encoding.ASCII.GetString(buffer, 0, n).StartsWith("HTTP/1.1 503", StringComparison.Ordinal)) refused++;
            }
            catch (OperationCanceledException) { }
        }
        Assert.Equal(40 - new TrackerOptions().MaxConnectionsPerAddress, refused);
        await AnnounceIsAnsweredAsync();
    }

    [Fact]
    public async Task A_stranger_may_not_publish_without_the_token_and_may_with_it()
    {
        var file = File.ReadAllBytes(Directory.GetFiles(Support.RepoPaths.Corpus, "*.torrent", SearchOption.AllDirectories).Order()
            .First(f => TryParse(f)));
        var stranger = LoopbackLab.NewHost();
        var request = Encoding.ASCII.GetBytes($"POST /publish HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: {file.Length}\r\n\r\n");
        var refused = await ExchangeFromAsync(stranger, [.. request, .. file]);
        Assert.StartsWith("HTTP/1.1 403", refused);
        Assert.Contains("token", refused);
        var withToken = Encoding.ASCII.GetBytes($"POST /publish HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer {Token}\r\nContent-Length: {file.Length}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 201", await ExchangeFromAsync(stranger, [.. withToken, .. file]));
        // This machine itself (the allowed network) needs no token.
        Assert.StartsWith("HTTP/1.1 200", await RawHttp.ExchangeAsync(_tracker.HttpEndPoint!, [.. request, .. file]));
    }

    private static bool TryParse(string path)
    {
        try { Engine.Core.Metainfo.TorrentMetainfo.Parse(File.ReadAllBytes(path)); return true; }
        catch (Exception) { return false; }
    }

    private async Task<string> ExchangeFromAsync(IPAddress from, byte[] request)
    {
        using var s = await LoopbackLab.ConnectFromAsync(from, _tracker.HttpEndPoint!);
        await s.SendAsync(request);
        var response = new MemoryStream();
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n;
        while ((n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0) response.Write(buffer, 0, n);
        return Encoding.Latin1.GetString(response.ToArray());
    }
}
