using System.Net;
using Engine.Api;
using Engine.Core.Primitives;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Peers;

/// <summary>
/// Two of our engines that dial each other over uTP at the same moment (as after a hole punch, or when both learn of
/// the other at once): each end sees an outgoing and an incoming connection to the same peer, from the same address,
/// and both ends must keep the same one (the one dialled by the greater peer id, as libtorrent decides too:
/// <c>Core/Peers/DuplicateConnectionsTests</c>), without dialling again.
/// </summary>
public sealed class SimultaneousDialTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("simultaneous");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Two_engines_dialling_each_other_at_once_over_utp_keep_the_same_one_of_the_two_connections()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "both", 4 * 1024 * 1024, fileCount: 1, pieceLength: 64 * 1024);
        for (var round = 0; round < 4; round++)
        {
            await using var a = TorrentEngine.Create(Options($"a{round}") with { UploadLimit = 256 * 1024 });
            await using var b = TorrentEngine.Create(Options($"b{round}"));
            var seeding = await a.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
            await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
            var leeching = await b.AddAsync(torrent.TorrentPath, _dir.Sub($"down{round}"));
            var drops = new List<string>();
            using var seen = seeding.AsObservable().Subscribe(new Observer(e => { if (e is PeerDropped d) lock (drops) drops.Add("seeder: " + d.Reason); }));
            using var seen2 = leeching.AsObservable().Subscribe(new Observer(e => { if (e is PeerDropped d) lock (drops) drops.Add("leecher: " + d.Reason); }));

            seeding.AddPeers([new IPEndPoint(IPAddress.Loopback, b.ListenEndPoint!.Port)]);
            leeching.AddPeers([new IPEndPoint(IPAddress.Loopback, a.ListenEndPoint!.Port)]);
            await Task.Delay(TimeSpan.FromSeconds(3));

            lock (drops) output.WriteLine($"round {round}: {drops.Count} drop(s): {string.Join("; ", drops)}");
            // Neither end dials again within the test (a minute's redial): the connection that stays is one of the two.
            var atSeeder = Assert.Single(await seeding.GetPeersAsync());
            var atLeecher = Assert.Single(await leeching.GetPeersAsync());
            Assert.True((atSeeder.Source == PeerSource.Incoming) != (atLeecher.Source == PeerSource.Incoming),
                $"the two ends kept different connections: the seeder's is {atSeeder.Source}, the leecher's {atLeecher.Source}");
        }
    }

    private TorrentEngineOptions Options(string name)
    {
        var options = ApiTestEngines.Options(_dir.Sub(name));
        return options with
        {
            Utp = UtpMode.Only,
            Tunables = options.Tunables with { RedialInterval = TimeSpan.FromMinutes(1), RedialBackoff = TimeSpan.FromMinutes(1) },
        };
    }

    private sealed class Observer(Action<TorrentEvent> next) : IObserver<TorrentEvent>
    {
        public void OnNext(TorrentEvent value) => next(value);
        public void OnError(Exception error) { }
        public void OnCompleted() { }
    }
}
