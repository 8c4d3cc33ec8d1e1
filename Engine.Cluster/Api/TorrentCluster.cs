using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Engine.Api;
using Engine.Cluster.Catalog;
using Engine.Cluster.Configuration;
using Engine.Cluster.Formation;
using Engine.Cluster.Nodes;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Engine.Cluster.Api;

/// <summary>
/// One node of a torrent cluster: several machines, each running a <see cref="TorrentEngine"/>, joined by Akka.Cluster,
/// holding each torrent of a shared catalog on R of them (rendezvous placement by info-hash). Add, remove and list from
/// any node; a node that leaves or is lost has its replicas made again on others, filled over BitTorrent from the
/// surviving replicas. Thread-safe.
/// </summary>
public sealed partial class TorrentCluster : IAsyncDisposable
{
    /// <summary>How long a request to the node (add, remove, list) may take.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly ActorSystem _system;
    private readonly IActorRef _node;
    private readonly TorrentClusterOptions _options;
    private int _stopped;

    private TorrentCluster(ActorSystem system, IActorRef node, TorrentEngine engine, TorrentClusterOptions options, Task whenStopped, Task whenUp)
    {
        WhenUp = whenUp;
        _system = system;
        _node = node;
        Engine = engine;
        _options = options;
        Node = AkkaCluster.Get(system).SelfAddress.ToString();
        WhenStopped = whenStopped;
    }

    /// <summary>
    /// Completes when the node is gone and its engine stopped: after <see cref="StopAsync"/>, or when the cluster downed
    /// it (the split-brain resolver on the minority side) and it stopped itself.
    /// </summary>
    public Task WhenStopped { get; }

    /// <summary>
    /// Completes when this node is Up in its cluster (placement counts it from then on); fails with a
    /// <see cref="ClusterDiscoveryException"/> when <see cref="TorrentClusterOptions.Discovery"/> found and formed no
    /// cluster within its bound (the node keeps running, alone and out of any cluster: stop it); cancelled when the node
    /// stops first.
    /// </summary>
    public Task WhenUp { get; }

    /// <summary>This node's address in the cluster (<c>akka.tcp://torrent-cluster@host:port</c>): the name the others know it by.</summary>
    public string Node { get; }

    /// <summary>The cluster port this node listens on (the real one when port 0 was asked for).</summary>
    public int Port => AkkaCluster.Get(_system).SelfAddress.Port ?? 0;

    /// <summary>The node's cluster ActorSystem (tests write the replicated data directly).</summary>
    internal ActorSystem ClusterSystem => _system;

    /// <summary>The node actor (Akka.Hosting's registry holds it).</summary>
    internal IActorRef NodeActor => _node;

    /// <summary>This node's engine (its own listener, DHT node and disk).</summary>
    public TorrentEngine Engine { get; }

    /// <summary>
    /// Starts a node: its engine, then its cluster member, which joins the seeds (or itself when there are none), or
    /// looks for its cluster through <see cref="TorrentClusterOptions.Discovery"/>. Returns at once; <see cref="WhenUp"/> tells when it is in.
    /// </summary>
    public static TorrentCluster Start(TorrentClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(options.DataDirectory);
        if (options.DurableCatalogDirectory is { } catalog) Directory.CreateDirectory(catalog);
        var engine = TorrentEngine.Create(EngineOptionsOf(options));
        ActorSystem? system = null;
        try
        {
            system = ActorSystem.Create(ClusterHocon.SystemName, ConfigurationFactory.ParseString(ClusterHocon.For(options)));
            var node = StartNode(system, engine, options);
            // The configured seeds Akka joins by itself; without any, the node joins itself (or nothing: Join = false).
            var up = ClusterJoin.Start(system, options.Discovery, options.Seeds.Count == 0 && options.Join ? [] : null);
            var stopped = system.WhenTerminated.ContinueWith(_ => engine.StopAsync(), TaskScheduler.Default).Unwrap();
            return new TorrentCluster(system, node, engine, options, stopped, up);
        }
        catch
        {
            system?.Terminate().Wait(TimeSpan.FromSeconds(5));
            engine.StopAsync().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>
    /// Starts a node inside an ActorSystem the caller runs (Akka.Hosting's, configured with <see cref="ClusterHocon.ForEmbedded"/>):
    /// the engine attached to it, the node actor, then a join of the seeds, addressed with the system's own name. The
    /// engine stops in the system's coordinated shutdown.
    /// </summary>
    internal static TorrentCluster Attach(ActorSystem system, TorrentClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(options.DataDirectory);
        if (options.DurableCatalogDirectory is { } catalog) Directory.CreateDirectory(catalog);
        var engine = TorrentEngine.Attach(system, EngineOptionsOf(options));
        try
        {
            var node = StartNode(system, engine, options);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-torrent-cluster-engine", async () =>
            {
                await engine.StopAsync().ConfigureAwait(false);
                return Akka.Done.Instance;
            });
            // Join = false: something else joins (the app's own bootstrap).
            var up = ClusterJoin.Start(system, options.Discovery,
                options.Join ? options.Seeds.Select(s => Address.Parse(ClusterHocon.SeedAddress(s, system.Name))).ToList() : null);
            return new TorrentCluster(system, node, engine, options, system.WhenTerminated, up);
        }
        catch
        {
            engine.StopAsync().GetAwaiter().GetResult();
            throw;
        }
    }

    private static TorrentEngineOptions EngineOptionsOf(TorrentClusterOptions options) => options.Engine ?? new TorrentEngineOptions
    {
        ListenOn = new IPEndPoint(IPAddress.Parse(options.Host), 0),
        StateDirectory = Path.Combine(options.DataDirectory, "state"),
    };

    private static IActorRef StartNode(ActorSystem system, TorrentEngine engine, TorrentClusterOptions options)
    {
        var advertised = options.AdvertisedEndPoint ?? Advertised(engine, options);
        return system.ActorOf(ClusterNode.Props(engine, Path.Combine(options.DataDirectory, "torrents"), advertised, options.RefreshInterval), "torrent-cluster-node");
    }

    private static IPEndPoint Advertised(TorrentEngine engine, TorrentClusterOptions options)
    {
        var listen = engine.ListenEndPoint ?? throw new ArgumentException("a cluster node's engine must listen (TorrentEngineOptions.ListenOn): the other replicas fill from it");
        if (!listen.Address.Equals(IPAddress.Any) && !listen.Address.Equals(IPAddress.IPv6Any)) return listen;
        return IPAddress.TryParse(options.Host, out var host) ? new IPEndPoint(host, listen.Port)
            : throw new ArgumentException($"the engine listens on {listen}: set {nameof(TorrentClusterOptions.AdvertisedEndPoint)} (the cluster host '{options.Host}' is no IP address)");
    }

    /// <summary>
    /// Puts a torrent in the cluster's catalog; the nodes placement gives it add it to their engines. <paramref name="sources"/>:
    /// peers outside the cluster that have it (the first replicas fill from them, and from trackers, DHT and PEX as any torrent).
    /// </summary>
    public async Task<InfoHash> AddAsync(byte[] torrentFile, int? replicas = null, IEnumerable<IPEndPoint>? sources = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(torrentFile);
        var r = replicas ?? _options.Replicas;
        if (r < 1) throw new ArgumentException($"a torrent needs at least 1 replica, got {r}");
        var meta = TorrentMetainfo.Parse(torrentFile); // a MetainfoException for bytes that are no .torrent, before anything is stored
        var entry = new CatalogEntry(torrentFile, r, sources?.ToList() ?? []);
        return await _node.Ask<InfoHash>(new ClusterNode.AddTorrent(meta.InfoHash, entry), RequestTimeout, ct).ConfigureAwait(false);
    }

    /// <summary>Takes a torrent out of the catalog: every node removes its replica and deletes the data.</summary>
    public Task RemoveAsync(InfoHash infoHash, CancellationToken ct = default) =>
        _node.Ask<ClusterNode.Done>(new ClusterNode.RemoveTorrent(infoHash), RequestTimeout, ct);

    /// <summary>
    /// Pauses a torrent on every node holding a replica (and on any node that takes one over later: the pause is in the
    /// catalog). False when the catalog has no such torrent.
    /// </summary>
    public Task<bool> PauseAsync(InfoHash infoHash, CancellationToken ct = default) =>
        _node.Ask<bool>(new ClusterNode.SetPaused(infoHash, true), RequestTimeout, ct);

    /// <summary>Resumes a paused torrent on every replica. False when the catalog has no such torrent.</summary>
    public Task<bool> ResumeAsync(InfoHash infoHash, CancellationToken ct = default) =>
        _node.Ask<bool>(new ClusterNode.SetPaused(infoHash, false), RequestTimeout, ct);

    /// <summary>
    /// Sets a torrent's own rate limits (bytes/s; null: none) on every replica: they are in the catalog entry, so the node
    /// holding a replica applies them, and a node that takes a replica over later starts with them. The node's engine-wide
    /// limits apply as well. False when the catalog has no such torrent.
    /// </summary>
    public Task<bool> SetLimitsAsync(InfoHash infoHash, long? upload, long? download, CancellationToken ct = default)
    {
        if (upload is <= 0 || download is <= 0) throw new ArgumentException($"limits are bytes/s above 0, or null for none (got {upload}, {download})");
        return _node.Ask<bool>(new ClusterNode.SetLimits(infoHash, upload, download), RequestTimeout, ct);
    }

    /// <summary>
    /// Sets a file's priority on every replica (kept in the catalog entry like <see cref="SetLimitsAsync"/>). False when the
    /// catalog has no such torrent; <see cref="ArgumentOutOfRangeException"/> for a file index outside it (or a padding file).
    /// </summary>
    public Task<bool> SetFilePriorityAsync(InfoHash infoHash, int fileIndex, FilePriority priority, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(priority)) throw new ArgumentOutOfRangeException(nameof(priority), $"{(int)priority} is not a priority");
        return _node.Ask<bool>(new ClusterNode.SetFilePriority(infoHash, fileIndex, priority), RequestTimeout, ct);
    }

    /// <summary>The cluster's torrents as this node knows them: where each is placed and every replica's progress.</summary>
    public Task<IReadOnlyList<ClusterTorrent>> ListAsync(CancellationToken ct = default) =>
        _node.Ask<IReadOnlyList<ClusterTorrent>>(new ClusterNode.ListTorrents(), RequestTimeout, ct);

    /// <summary>The reachable Up members (their addresses, sorted): the nodes placement uses.</summary>
    public Task<IReadOnlyList<string>> GetMembersAsync(CancellationToken ct = default) =>
        _node.Ask<IReadOnlyList<string>>(new ClusterNode.GetMembers(), RequestTimeout, ct);

    /// <summary>Every member this node knows, Up or joining or leaving, reachable or not, sorted by address.</summary>
    public Task<IReadOnlyList<ClusterMember>> GetMemberListAsync(CancellationToken ct = default) =>
        _node.Ask<IReadOnlyList<ClusterMember>>(new ClusterNode.GetMemberList(), RequestTimeout, ct);

    /// <summary>Leaves the cluster gracefully (the others take over its replicas), then stops the node and its engine.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        try { await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false); }
        catch (TimeoutException) { await _system.Terminate().ConfigureAwait(false); }
        await WhenStopped.ConfigureAwait(false);
    }

    /// <summary>Stops the node without leaving, as a crash would: the others see it unreachable (tests).</summary>
    internal async Task CrashAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await _system.Terminate().ConfigureAwait(false);
        await Engine.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
