using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Limits;
using Engine.Resolving;
using Engine.Torrents;
using Engine.Transports;

namespace Engine.Runtime;

/// <summary>
/// Boots the actor system with the engine root and offers a small async surface over it (add a torrent,
/// read its status, stop). Used by the console host and by tests; services that already run Akka can
/// create <see cref="EngineRoot"/> themselves with <see cref="CreateRoot"/>.
/// </summary>
internal sealed class EngineSystem : IAsyncDisposable
{
    private readonly bool _ownsSystem;

    private EngineSystem(ActorSystem system, IActorRef root, EngineContext context, bool ownsSystem)
    {
        System = system;
        Root = root;
        Context = context;
        _ownsSystem = ownsSystem;
    }

    public ActorSystem System { get; }
    public IActorRef Root { get; }
    public EngineContext Context { get; }

    public static string DefaultHocon => """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor.default-dispatcher.throughput = 30
          # The scheduler's wheel ticks whether or not a timer is due, and each tick wakes a thread: at Akka's
          # default 10 ms that alone cost ~2 CPU-s per minute in an idle engine, and at 50 ms it was still nearly
          # all of it (0.30 CPU-s/min for 10 idle torrents as for 1 000; 0.17 at 100 ms, docs/performance.md,
          # case 5). The engine's own timers are 1 s and coarser (a share's scan debounce and a magnet's retry are
          # 100 ms), so they fire at most one tick late; the console's status lines run on .NET timers.
          scheduler.tick-duration = 100ms
          # Akka's JSON serializer, made at its first use (an engine's messages are never serialized; its start was
          # ~10-25 ms of start-up, docs/performance.md).
          actor.serializers.json = "Engine.Runtime.DeferredJsonSerializer, Engine"
        }
        # The root routes every accepted connection and every API call: on a thread of its own it never waits seconds
        # for a pool thread behind the peers' work (500 peers dialling at once stalled it 2-3.5 s; performance.md).
        engine-root-dispatcher {
          type = PinnedDispatcher
          executor = fork-join-executor
          throughput = 30
        }
        """;

    /// <summary>The root actor's dispatcher, when the ActorSystem defines it (ours do; a caller's own system may not).</summary>
    public const string RootDispatcher = "engine-root-dispatcher";

    /// <summary>Starts a new ActorSystem named <paramref name="name"/> running one engine.</summary>
    public static EngineSystem Start(EngineOptions options, string name = "engine")
    {
        var config = ConfigurationFactory.ParseString(options.ExtraHocon ?? "").WithFallback(ConfigurationFactory.ParseString(DefaultHocon));
        var system = ActorSystem.Create(name, config);
        return Attach(system, options, ownsSystem: true);
    }

    /// <summary>Runs an engine inside an ActorSystem the caller already has.</summary>
    public static EngineSystem Attach(ActorSystem system, EngineOptions options, bool ownsSystem = false)
    {
        var (root, context) = CreateRoot(system, options);
        return new EngineSystem(system, root, context, ownsSystem);
    }

    public static (IActorRef Root, EngineContext Context) CreateRoot(IActorRefFactory factory, EngineOptions options, string name = "engine")
    {
        // Tracker announces and web seeds leave from the listen address when it names one, as peer connections do.
        var source = TcpDialer.SourceFor(options.ListenOn?.Address);
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }.Through(local: source))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Engine/0.1");
        var port = options.ListenOn?.Port ?? 0;
        var pool = new BlockPool(options.PooledBlocks);
        var context = new EngineContext(PeerId.CreateOurs(), pool, http, port,
            options.Peers, options.PeerManager, options.Trackers, options.ResumeSaveInterval)
        {
            DiskBudget = DiskBudget.For(pool),
            Bandwidth = new BandwidthBuckets(options.Limits),
            Connections = new ConnectionBudget(options.MaxConnections),
            Metadata = options.Metadata,
            WebSeeds = options.WebSeeds is { } webSeeds ? webSeeds with { Source = source } : null,
        };
        Directory.CreateDirectory(options.ResumeDirectory);
        // The listen port must be known before the first announce; bind eagerly when port 0 was asked for.
        IPEndPoint? listen = options.ListenOn;
        if (listen is { Port: 0 })
        {
            listen = new IPEndPoint(listen.Address, FreePort.ForTcpAndUdp(listen.Address));
            context = context with { ListenPort = listen.Port };
        }
        var props = EngineRoot.Props(context with { Pex = options.Pex, Encryption = options.Encryption }, listen, options.ResumeDirectory, options.Dht, options.Lsd,
            options.PortMapping, options.Utp, listen is { Port: > 0 } ? options.ListenSocket : null);
        var system = factory switch { ActorSystem s => s, IActorContext c => c.System, _ => null };
        if (system?.Dispatchers.HasDispatcher(RootDispatcher) == true) props = props.WithDispatcher(RootDispatcher);
        var root = factory.ActorOf(props, name);
        return (root, context);
    }

    /// <summary>The address peers can reach us on, once the listener is bound (null when not listening).</summary>
    public async Task<IPEndPoint?> ListenEndPointAsync(TimeSpan? timeout = null)
        => (await Root.Ask<EngineRoot.ListenEndPoint>(new EngineRoot.GetListenEndPoint(), timeout ?? TimeSpan.FromSeconds(5))).EndPoint;

    public Task<IActorRef> AddAsync(TorrentMetainfo torrent, string saveDirectory, TimeSpan? timeout = null)
        => AddAsync(torrent, saveDirectory, RateLimits.Unlimited, timeout);

    /// <summary>Adds a torrent with its own upload/download limits (on top of the engine's).</summary>
    public async Task<IActorRef> AddAsync(TorrentMetainfo torrent, string saveDirectory, RateLimits limits, TimeSpan? timeout = null)
    {
        var reply = await Root.Ask(new EngineRoot.AddTorrent(torrent, saveDirectory, limits), timeout ?? TimeSpan.FromSeconds(10));
        return reply switch
        {
            EngineRoot.TorrentAdded added => added.Torrent,
            EngineRoot.AddFailed failed => throw new InvalidOperationException(failed.Reason),
            _ => throw new InvalidOperationException("unexpected reply " + reply),
        };
    }

    /// <summary>Changes the engine-wide limits; takes effect at once on every connection.</summary>
    public void SetLimits(RateLimits limits) => Context.Bandwidth.Set(limits);

    /// <summary>Changes one torrent's own limits.</summary>
    public static void SetLimits(IActorRef torrent, RateLimits limits) => torrent.Tell(new TorrentActor.SetLimits(limits));

    public static Task<TorrentStatus> StatusAsync(IActorRef torrent, TimeSpan? timeout = null)
        => torrent.Ask<TorrentStatus>(new TorrentActor.GetStatus(), timeout ?? TimeSpan.FromSeconds(5));

    /// <summary>Stops a torrent (bounded: <see cref="TorrentActor.StopBudget"/> plus a margin).</summary>
    public static async Task StopAsync(IActorRef torrent)
    {
        try { await torrent.Ask<TorrentActor.TorrentStopped>(new TorrentActor.StopTorrent(), TorrentActor.StopBudget + TimeSpan.FromSeconds(1)); }
        catch (AskTimeoutException) { torrent.Tell(PoisonPill.Instance); }
    }

    public async ValueTask DisposeAsync()
    {
        Context.Http.Dispose();
        if (_ownsSystem) await System.TerminateQuietly().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }
}
