using System.Net;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Peers;

/// <summary>
/// Peer exchange (BEP 11) with lftp's ut_pex. lftp drops every PEX message that comes within a minute of the
/// connection, so it learns from our second message, not from the first one seconds after the handshake.
/// </summary>
[Trait("Category", "Interop")]
public sealed class LftpPexInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("lftp-pex");

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 150_000)]
    public async Task Two_lftp_leechers_we_dialled_learn_of_each_other_from_our_pex_a_minute_on_and_connect()
    {
        // Slow, so that both leechers are still downloading (and running) when the minute is up.
        await using var seeder = await SlowPexSeeder.StartAsync(_dir, "lftppex", 4 * 1024 * 1024 + 9, 34, uploadLimit: 24 * 1024);
        var torrent = seeder.Torrent;
        await using var first = await LftpPeer.StartLeecherAsync(torrent, _dir.Sub("l1"));
        await using var second = await LftpPeer.StartLeecherAsync(torrent, _dir.Sub("l2"));
        seeder.Seeding.AddPeers([new IPEndPoint(IPAddress.Loopback, first.Port), new IPEndPoint(IPAddress.Loopback, second.Port)]);
        var start = DateTime.UtcNow;

        var deadline = start + TimeSpan.FromSeconds(100);
        bool Met() => first.LftpPeersMet > 0 || second.LftpPeersMet > 0;
        while (DateTime.UtcNow < deadline && !Met()) await Task.Delay(250);

        output.WriteLine($"after {(DateTime.UtcNow - start).TotalSeconds:0.0} s: first took {first.PexPeersAdded} peer(s) from PEX, second {second.PexPeersAdded}");
        Assert.True(first.PexPeersAdded + second.PexPeersAdded > 0, $"neither leecher took a peer from our PEX\n{first.Describe()}\n{second.Describe()}");
        Assert.True(Met(), $"the leechers never connected\n{first.Describe()}\n{second.Describe()}");
    }
}
