using System.Net;
using Engine.Events;
using Engine.Tests.Interop;
using Engine.Tests.Lab;
using Engine.Tests.Scenarios.Kit;
using Xunit.Abstractions;

namespace Engine.Tests.Hostile;

/// <summary>
/// Issue 21's first finding, against the real program: a good python3-libtorrent seeder and a peer that answers requests
/// with random bytes, each on an IP of its own. Before smart ban our engine banned both in 8 runs of 10, and with per-IP
/// bans the download stalled for good. Now only the liar is banned and the download completes.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MaliciousSeedInteropTests(ITestOutputHelper output) : Scenario(output)
{
    [Theory]
    [InlineData(32 * 1024)]
    [InlineData(256 * 1024)]
    public async Task A_libtorrent_seeder_is_never_banned_with_a_liar_and_the_download_completes(int pieceLength)
    {
        var film = Content("lt-film-" + pieceLength / 1024, 4 * 1024 * 1024, pieceLength);
        var hosts = LoopbackLab.NewHosts(3);
        var torrent = new TestTorrent(film.TorrentPath, film.Metainfo.InfoHash.ToHex(), film.Metainfo.Name, pieceLength, film.Metainfo.TotalLength);
        await using var honest = await LibtorrentPeer.StartSeederAsync(torrent, film.SeedDirectory,
            new LibtorrentOptions { Host = hosts[0].ToString(), NoTracker = true, UploadLimit = 512 * 1024 });
        await honest.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        var liar = ScriptedSeed(film, SeedBehaviour.RandomData, hosts[1]);
        var me = StartEngine("me", o => o with { ListenOn = new IPEndPoint(hosts[2], 0) });

        var (download, events) = await LeechAsync(me, film);
        var seeder = new IPEndPoint(hosts[0], honest.Port);
        download.AddPeers([liar.EndPoint, seeder]);

        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(90));
        film.AssertSameData(download.SaveDirectory);
        var banned = events.OfType<PeerDropped>().Where(d => d.Reason.StartsWith("banned:", StringComparison.Ordinal)).ToList();
        var status = await download.GetStatusAsync();
        Output.WriteLine($"hash failures {status.HashFailures}, liar served {liar.BlocksServed} blocks; banned: {string.Join("; ", banned.Select(b => $"{b.EndPoint} {b.Reason}"))}");
        Assert.DoesNotContain(banned, b => b.EndPoint.Address.Equals(hosts[0]));
        Assert.True(liar.BlocksServed > 0, "the liar took no part");
        Assert.Contains(banned, b => b.EndPoint.Equals(liar.EndPoint));
    }
}
