using System.Net;
using System.Net.Sockets;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Engine.Transports;

namespace Engine.Tests.Transports;

/// <summary>
/// An engine listening on one address dials from it too (a user who binds a VPN's address expects no connection to
/// leave through another interface), and its tracker announces and web-seed requests leave from it too; one listening
/// on a wildcard dials from wherever the system routes.
/// </summary>
public sealed class TcpDialerTests
{
    private static readonly IPAddress Own = IPAddress.Parse("127.0.0.5");

    [Fact]
    public async Task A_dialer_for_one_address_connects_from_it_and_one_for_the_wildcard_from_the_route()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var target = (IPEndPoint)listener.LocalEndpoint;

        Assert.Equal(Own, await DialFromAsync(TcpDialer.For(Own), listener, target));
        Assert.Equal(IPAddress.Loopback, await DialFromAsync(TcpDialer.For(IPAddress.Any), listener, target));
        Assert.Same(TcpDialer.Instance, TcpDialer.For(IPAddress.IPv6Any));
    }

    [Fact]
    public async Task A_dialer_bound_to_an_ipv4_address_refuses_an_ipv6_peer()
    {
        var e = await Assert.ThrowsAsync<SocketException>(() => TcpDialer.For(Own).ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, 9), CancellationToken.None));
        Assert.Equal(SocketError.AddressFamilyNotSupported, e.SocketErrorCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_engine_listening_on_one_loopback_address_dials_its_peers_from_it()
    {
        using var data = GeneratedTorrent.Create("bound", [("a.bin", 100_000)], 16 * 1024, seed: 3);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var engine = Engine.Api.TorrentEngine.Create(ApiTestEngines.Options(data.NewDirectory("state")) with { ListenOn = new IPEndPoint(Own, 0) });
        var handle = await engine.AddAsync(data.TorrentPath, data.NewDirectory("leech"));

        handle.AddPeers([(IPEndPoint)listener.LocalEndpoint]);
        using var accepted = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Own, ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_engine_listening_on_one_loopback_address_announces_and_asks_its_web_seed_from_it()
    {
        using var dir = new TempDir("bound-http");
        using var tracker = new TcpListener(IPAddress.Loopback, 0);
        using var webSeed = new TcpListener(IPAddress.Loopback, 0);
        tracker.Start();
        webSeed.Start();
        var file = Path.Combine(dir.Sub("www"), "a.bin");
        TestData.WriteFile(file, 300_000, 4);
        var torrent = TorrentFactory.Create(file, [$"http://127.0.0.1:{((IPEndPoint)tracker.LocalEndpoint).Port}/announce"], 64 * 1024,
            Path.Combine(dir, "a.torrent"), [$"http://127.0.0.1:{((IPEndPoint)webSeed.LocalEndpoint).Port}/a.bin"]);
        await using var engine = Engine.Api.TorrentEngine.Create(ApiTestEngines.Options(dir.Sub("state")) with { ListenOn = new IPEndPoint(Own, 0) });
        await engine.AddAsync(torrent.TorrentPath, dir.Sub("down"));

        using var announce = await tracker.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var request = await webSeed.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Own, ((IPEndPoint)announce.RemoteEndPoint!).Address);
        Assert.Equal(Own, ((IPEndPoint)request.RemoteEndPoint!).Address);
    }

    private static async Task<IPAddress> DialFromAsync(TcpDialer dialer, TcpListener listener, IPEndPoint target)
    {
        using var transport = await dialer.ConnectAsync(target, CancellationToken.None);
        using var accepted = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return ((IPEndPoint)accepted.RemoteEndPoint!).Address;
    }
}
