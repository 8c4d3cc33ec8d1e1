using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Peers;

/// <summary>An engine listening on [::] takes IPv4 and IPv6 peers on one port, and sees each at the address it really has.</summary>
public sealed class DualStackTests : IDisposable
{
    private readonly TempDir _dir = new("dual-stack");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_seeder_on_the_ipv6_any_address_serves_an_ipv4_and_an_ipv6_leecher_and_lists_them_unmapped()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "both", 2 * 1024 * 1024 + 3, fileCount: 2, pieceLength: 32 * 1024, contentSeed: 8);
        await using var seeder = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("s")) with
        {
            ListenOn = new IPEndPoint(IPAddress.IPv6Any, 0),
            UploadLimit = 512 * 1024, // long enough to see both connected
        });
        var seeding = await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        var port = seeder.ListenEndPoint!.Port;

        await using var v4 = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("v4")) with { ListenOn = new IPEndPoint(IPAddress.Loopback, 0) });
        await using var v6 = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("v6")) with { ListenOn = new IPEndPoint(IPAddress.IPv6Loopback, 0) });
        var a = await v4.AddAsync(torrent.TorrentPath, _dir.Sub("down4"));
        var b = await v6.AddAsync(torrent.TorrentPath, _dir.Sub("down6"));
        a.AddPeers([new IPEndPoint(IPAddress.Loopback, port)]);
        b.AddPeers([new IPEndPoint(IPAddress.IPv6Loopback, port)]);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        IReadOnlyList<PeerSnapshot> peers = [];
        while (peers.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            peers = await seeding.GetPeersAsync();
        }
        Assert.Contains(peers, p => p.EndPoint.Address.Equals(IPAddress.Loopback)); // not ::ffff:127.0.0.1
        Assert.Contains(peers, p => p.EndPoint.Address.Equals(IPAddress.IPv6Loopback));
        await a.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(60));
        await b.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(60));
    }
}
