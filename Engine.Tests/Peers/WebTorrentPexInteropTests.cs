using System.Net;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Peers;

/// <summary>Peer exchange (BEP 11) with WebTorrent's ut_pex: two WebTorrent leechers we dialled learn of each other from us.</summary>
[Trait("Category", "Interop")]
public sealed class WebTorrentPexInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("wt-pex");

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 120_000)]
    public async Task Two_webtorrent_leechers_we_dialled_learn_of_each_other_from_our_pex_and_connect()
    {
        // Slow, so that the leechers are still downloading when our PEX reaches them (WebTorrent ignores PEX once done).
        await using var seeder = await SlowPexSeeder.StartAsync(_dir, "wtpex", 2 * 1024 * 1024 + 9, 33, uploadLimit: 64 * 1024);
        var torrent = seeder.Torrent;
        // We dial both: WebTorrent's extension handshake has no listen port ("p"), so a peer that dialled us could not be
        // named in our PEX (libtorrent leaves such peers out too).
        await using var first = await WebTorrentPeer.StartLeecherAsync(torrent, _dir.Sub("l1"));
        await using var second = await WebTorrentPeer.StartLeecherAsync(torrent, _dir.Sub("l2"));
        string AddressOf(WebTorrentPeer p) => $"{WebTorrentPeer.Address}:{p.Port}";
        seeder.Seeding.AddPeers([new IPEndPoint(IPAddress.Parse(WebTorrentPeer.Address), first.Port), new IPEndPoint(IPAddress.Parse(WebTorrentPeer.Address), second.Port)]);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        bool Met() => first.Wires.Contains(AddressOf(second)) || second.Wires.Contains(AddressOf(first));
        while (DateTime.UtcNow < deadline && !Met()) await Task.Delay(200);

        output.WriteLine($"first: wires {string.Join(", ", first.Wires)}; pex {string.Join(", ", first.PexPeers)}");
        output.WriteLine($"second: wires {string.Join(", ", second.Wires)}; pex {string.Join(", ", second.PexPeers)}");
        Assert.True(first.PexPeers.Contains(AddressOf(second)) || second.PexPeers.Contains(AddressOf(first)),
            $"our PEX named neither leecher to the other\n{first.Describe()}\n{second.Describe()}");
        Assert.True(Met(), $"the leechers never connected\n{first.Describe()}\n{second.Describe()}");
    }
}
