using System.Net;
using Engine.Events;
using Engine.Tests.Lab;
using Engine.Tests.Scenarios.Kit;
using Xunit.Abstractions;

namespace Engine.Tests.Hostile;

/// <summary>
/// A lying seed among honest ones, each on a host of its own (lab addresses: bans cover the whole address, as on the
/// Internet): the download completes, the liar is banned, and no honest peer is.
/// </summary>
public sealed class MaliciousSeedScenarios(ITestOutputHelper output) : Scenario(output)
{
    private TorrentEngineHost Host(string name, IPAddress address, long? uploadLimit = null)
        => new(StartEngine(name, o => o with { ListenOn = new IPEndPoint(address, 0), UploadLimit = uploadLimit }));

    private sealed record TorrentEngineHost(Engine.Api.TorrentEngine Engine);

    [Theory]
    [InlineData(SeedBehaviour.CorruptData, 32 * 1024)]
    [InlineData(SeedBehaviour.RandomData, 32 * 1024)]
    [InlineData(SeedBehaviour.RandomData, 256 * 1024)] // 16 blocks a piece: most pieces mix the liar's blocks with honest ones
    public async Task Only_the_liar_is_banned_and_the_download_completes_from_the_honest_seeds(SeedBehaviour lie, int pieceLength)
    {
        var film = Content("film", 3 * 1024 * 1024, pieceLength);
        var hosts = LoopbackLab.NewHosts(4);
        // Two honest seeds, slow enough that the liar (unlimited) takes part in most pieces.
        var honest1 = Host("honest1", hosts[0], uploadLimit: 384 * 1024);
        var honest2 = Host("honest2", hosts[1], uploadLimit: 384 * 1024);
        await SeedAsync(honest1.Engine, film);
        await SeedAsync(honest2.Engine, film);
        var liar = ScriptedSeed(film, lie, hosts[2]);
        var me = Host("me", hosts[3]);

        var (download, events) = await LeechAsync(me.Engine, film);
        download.AddPeers([liar.EndPoint, honest1.Engine.ListenEndPoint!, honest2.Engine.ListenEndPoint!]);

        var banned = await events.WaitForAsync<PeerDropped>(d => d.EndPoint.Equals(liar.EndPoint), TimeSpan.FromSeconds(60));
        Assert.StartsWith("banned:", banned.Reason);
        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(60));
        film.AssertSameData(download.SaveDirectory);
        var status = await download.GetStatusAsync();
        Output.WriteLine($"hash failures {status.HashFailures}; liar served {liar.BlocksServed} blocks; ban: {banned.Reason}");
        Assert.True(status.HashFailures >= 1, "no piece failed its hash check: the liar took no part");
        Assert.DoesNotContain(events.OfType<PeerDropped>(), d => d.Reason.StartsWith("banned:", StringComparison.Ordinal) && !d.EndPoint.Address.Equals(hosts[2]));
        // The liar's whole address is banned: it does not get back in from another port.
        download.AddPeers([new IPEndPoint(hosts[2], liar.EndPoint.Port + 1), liar.EndPoint]);
        await Task.Delay(1500);
        Assert.Single(events.OfType<PeerConnected>(), c => c.EndPoint.Address.Equals(hosts[2]));
    }
}
