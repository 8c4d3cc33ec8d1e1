using System.Net;
using Akka.Actor;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Limits;
using Engine.Peers;
using Engine.Runtime;
using Engine.Torrents;

namespace Engine.Tests.Support;

/// <summary>
/// One in-process engine on 127.0.0.1 (port 0) with one torrent, for swarm tests: its own ActorSystem,
/// resume directory and save directory. Peers are introduced directly (<see cref="Connect"/>), no tracker.
/// </summary>
internal sealed class EngineNode : IAsyncDisposable
{
    private EngineNode(EngineSystem engine, IActorRef torrent, IPEndPoint endPoint, string saveDirectory)
    {
        Engine = engine;
        Torrent = torrent;
        EndPoint = endPoint;
        SaveDirectory = saveDirectory;
    }

    public EngineSystem Engine { get; }
    public IActorRef Torrent { get; }
    public IPEndPoint EndPoint { get; }
    public string SaveDirectory { get; }

    /// <summary>Starts an engine holding <paramref name="torrent"/> in <paramref name="saveDirectory"/> (complete data there makes it a seed).</summary>
    public static async Task<EngineNode> StartAsync(string name, TorrentMetainfo torrent, string saveDirectory, string resumeRoot,
        RateLimits torrentLimits = default, Func<EngineOptions, EngineOptions>? configure = null)
    {
        var options = new EngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
            ResumeDirectory = Path.Combine(resumeRoot, name + "-resume"),
            PeerManager = new PeerManagerSettings { RedialInterval = TimeSpan.FromSeconds(1), RetryBackoff = TimeSpan.FromSeconds(1), Seed = name.GetHashCode() },
        };
        if (configure is not null) options = configure(options);
        var engine = EngineSystem.Start(options, name);
        var endPoint = await engine.ListenEndPointAsync() ?? throw new InvalidOperationException("engine did not bind");
        var handle = await engine.AddAsync(torrent, saveDirectory, torrentLimits);
        return new EngineNode(engine, handle, endPoint, saveDirectory);
    }

    public Task<TorrentStatus> StatusAsync() => EngineSystem.StatusAsync(Torrent);

    /// <summary>Tells this engine to dial <paramref name="others"/>.</summary>
    public void Connect(params EngineNode[] others) => Connect(others.Select(o => o.EndPoint).ToArray());

    /// <summary>Tells this engine to dial <paramref name="endPoints"/>.</summary>
    public void Connect(params IPEndPoint[] endPoints)
        => Torrent.Tell(new PeerManager.AddPeers(endPoints), ActorRefs.NoSender);

    public Task<List<PeerManager.PeerStats>> PeersAsync()
        => Torrent.Ask<List<PeerManager.PeerStats>>(new TorrentActor.GetPeers(), TimeSpan.FromSeconds(5));

    /// <summary>Polls until the torrent is in <paramref name="state"/> (or fails the test after <paramref name="timeout"/>).</summary>
    public async Task<TorrentStatus> WaitForAsync(TorrentState state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await StatusAsync();
            if (status.State == state) return status;
            if (status.State == TorrentState.Error) throw new InvalidOperationException($"{status.Name} failed: {status.Error}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not {state} after {timeout.TotalSeconds:F0} s: {status.State}, {status.VerifiedPieces}/{status.PieceCount} pieces, {status.Peers} peers");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await EngineSystem.StopAsync(Torrent);
        await Engine.DisposeAsync();
    }
}
