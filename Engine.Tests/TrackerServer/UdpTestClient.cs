using System.Net.Sockets;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.Tests.TrackerServer;

/// <summary>A UDP tracker client for tests, built on our own codec. Every receive is bounded in time.</summary>
internal sealed class UdpTestClient : IDisposable
{
    private readonly UdpClient _udp;
    private readonly IPEndPoint _tracker;
    private readonly Random _random = new(42);

    public UdpTestClient(IPEndPoint tracker)
    {
        _tracker = tracker;
        _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public Task SendAsync(byte[] packet) => _udp.SendAsync(packet, packet.Length, _tracker);

    /// <summary>The next datagram, or null when none arrives within the timeout.</summary>
    public async Task<byte[]?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        try
        {
            return (await _udp.ReceiveAsync(cts.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async Task<UdpResponse> RequestAsync(byte[] packet, UdpAction action, int transactionId)
    {
        await SendAsync(packet);
        var answer = await ReceiveAsync() ?? throw new TimeoutException($"no answer to the UDP {action} within 5 s");
        return UdpTrackerCodec.ReadResponse(answer, action, transactionId);
    }

    public async Task<long> ConnectAsync()
    {
        var tx = _random.Next();
        var packet = new byte[16];
        UdpTrackerCodec.WriteConnectRequest(packet, tx);
        return Assert.IsType<UdpConnectResponse>(await RequestAsync(packet, UdpAction.Connect, tx)).ConnectionId;
    }

    public async Task<UdpResponse> AnnounceAsync(long connectionId, AnnounceRequest request)
    {
        var tx = _random.Next();
        var packet = new byte[UdpTrackerCodec.AnnounceRequestLength];
        UdpTrackerCodec.WriteAnnounceRequest(packet, connectionId, tx, request);
        return await RequestAsync(packet, UdpAction.Announce, tx);
    }

    public async Task<UdpAnnounceResponse> AnnounceAsync(AnnounceRequest request) =>
        Assert.IsType<UdpAnnounceResponse>(await AnnounceAsync(await ConnectAsync(), request));

    public async Task<UdpResponse> ScrapeAsync(long connectionId, IReadOnlyList<InfoHash> hashes)
    {
        var tx = _random.Next();
        var packet = new byte[16 + 20 * hashes.Count];
        UdpTrackerCodec.WriteScrapeRequest(packet, connectionId, tx, hashes);
        return await RequestAsync(packet, UdpAction.Scrape, tx);
    }

    public void Dispose() => _udp.Dispose();
}
