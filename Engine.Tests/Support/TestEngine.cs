using System.Net;
using Akka.Actor;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Peers;
using Engine.Runtime;
using Engine.Torrents;

namespace Engine.Tests.Support;

/// <summary>
/// An in-process engine for tests: its own ActorSystem, listening on 127.0.0.1 (a free port), resume
/// files in a temp folder. Helpers wait on status with bounded polling.
/// </summary>
internal sealed class TestEngine : IAsyncDisposable
{
    private readonly string _stateDir;

    private TestEngine(EngineSystem system, string stateDir, IPEndPoint endPoint)
    {
        System = system;
        _stateDir = stateDir;
        EndPoint = endPoint;
    }

    public EngineSystem System { get; }
    public IPEndPoint EndPoint { get; }

    public static async Task<TestEngine> StartAsync(Func<EngineOptions, EngineOptions>? configure = null, string name = "test-engine")
    {
        var stateDir = Directory.CreateTempSubdirectory("engine-state-").FullName;
        var options = new EngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
            ResumeDirectory = stateDir,
            Trackers = new Engine.Core.Trackers.TrackerSettings { MinimumInterval = TimeSpan.FromSeconds(2) },
        };
        if (configure is not null) options = configure(options);
        var system = EngineSystem.Start(options, name);
        var ep = await system.ListenEndPointAsync() ?? new IPEndPoint(IPAddress.Loopback, 0);
        return new TestEngine(system, stateDir, ep);
    }

    public Task<IActorRef> AddAsync(string torrentPath, string saveDirectory)
        => System.AddAsync(TorrentMetainfo.Load(torrentPath), saveDirectory);

    public static void Connect(IActorRef torrent, params IPEndPoint[] peers)
        => torrent.Tell(new PeerManager.AddPeers(peers), ActorRefs.NoSender);

    public static Task<TorrentStatus> StatusAsync(IActorRef torrent) => EngineSystem.StatusAsync(torrent);

    /// <summary>Polls until <paramref name="done"/> holds; throws with the last status on timeout or error.</summary>
    public static async Task<TorrentStatus> WaitAsync(IActorRef torrent, Func<TorrentStatus, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        TorrentStatus status;
        while (true)
        {
            status = await StatusAsync(torrent);
            if (done(status)) return status;
            if (status.State == TorrentState.Error) throw new InvalidOperationException($"torrent failed while waiting for {what}: {status.Error}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {timeout}; last status: {status}");
            await Task.Delay(100);
        }
    }

    public static Task<TorrentStatus> WaitCompleteAsync(IActorRef torrent, TimeSpan timeout)
        => WaitAsync(torrent, s => s.IsComplete && s.State == TorrentState.Seeding, timeout, "completion");

    public static Task<List<PeerManager.PeerStats>> PeersAsync(IActorRef torrent)
        => torrent.Ask<List<PeerManager.PeerStats>>(new TorrentActor.GetPeers(), TimeSpan.FromSeconds(5));

    /// <summary>Waits until at least <paramref name="count"/> peers have completed the handshake; returns their stats.</summary>
    public static async Task<List<PeerManager.PeerStats>> WaitPeersAsync(IActorRef torrent, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var peers = await PeersAsync(torrent);
            if (peers.Count >= count) return peers;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {peers.Count} of {count} peers connected within {timeout}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await System.DisposeAsync();
        try { Directory.Delete(_stateDir, recursive: true); } catch (IOException) { }
    }
}
