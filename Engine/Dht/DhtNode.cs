using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Core.Dht;
using Engine.Core.Primitives;
using Engine.Datagrams;
using Engine.Resolving;

namespace Engine.Dht;

/// <summary>
/// The engine's DHT node: the actor shell of a <see cref="DhtCore"/>. It loads the saved routing table (or starts from the
/// bootstrap routers, resolved off the actor thread), feeds the core the datagrams the <see cref="UdpPort"/> hands it and
/// a tick a second, sends what the core asks through the port, and runs the torrents' lookups: a tracked torrent's peers
/// are looked up at once and every <see cref="DhtOptions.LookupInterval"/>, and we announce ourselves to the closest
/// nodes each time. Peers found go to the torrent as <see cref="PeersFromDht"/>. The table is saved every few minutes and
/// at stop. <c>DhtNode.Requests.cs</c> has what the engine may ask of it.
/// </summary>
internal sealed partial class DhtNode : UntypedActor, IWithTimers, IWithUnboundedStash, IDhtEffects
{
    /// <summary>To a tracking torrent (or a requester): peers the DHT named for <paramref name="InfoHash"/>.</summary>
    public sealed record PeersFromDht(InfoHash InfoHash, IReadOnlyList<IPEndPoint> Peers);

    private sealed record Loaded(DhtSavedState? State);
    private sealed record Resolved(IReadOnlyList<IPEndPoint> Routers);
    private sealed class Tick { public static readonly Tick Instance = new(); }
    private sealed class SaveTick { public static readonly SaveTick Instance = new(); }

    private readonly DhtOptions _options;
    private readonly IActorRef _udp;
    private readonly string? _statePath;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _random = new();
    private DhtCore _core = null!;

    private readonly DhtGauge? _gauge;

    public DhtNode(DhtOptions options, IActorRef udp, string? statePath, DhtGauge? gauge = null)
    {
        _gauge = gauge;
        _options = options;
        _udp = udp;
        _statePath = statePath;
        _behaviour = Loading;
    }

    /// <summary>The current behaviour: <see cref="Loading"/>, then <see cref="Running"/>; false: unhandled.</summary>
    private Func<object, bool> _behaviour;

    protected override void OnReceive(object message)
    {
        if (!_behaviour(message)) Unhandled(message);
    }

    private bool Loading(object message)
    {
        if (message is Loaded m) Start(m.State);
        else Stash.Stash();
        return true;
    }

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    public static Props Props(DhtOptions options, IActorRef udp, string? statePath, DhtGauge? gauge = null) =>
        ActorProps.Of(() => new DhtNode(options, udp, statePath, gauge));

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        _udp.Tell(new UdpPort.RegisterDht(Self));
        var path = _statePath;
        Task.Run(() => path is not null && File.Exists(path) ? DhtSavedState.TryDecode(File.ReadAllBytes(path)) : null)
            .PipeTo(Self, success: s => new Loaded(s), failure: _ => new Loaded(null));
    }

    /// <summary>Restarted in place after a failure: the next incarnation starts from the table saved at stop and gets the torrents back.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var (hash, t) in _tracked)
            foreach (var s in t.Subscribers) Self.Tell(new Track(hash, t.Port, s));
        base.PreRestart(reason, message);
    }

    protected override void PostStop()
    {
        if (_core is null || _statePath is null || _core.Table.Count == 0) return;
        try { File.WriteAllBytes(_statePath, SavedState().Encode()); } // a few KiB, once, at stop
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _log.Warning("cannot save the DHT routing table: {0}", e.Message); }
    }

    private void Start(DhtSavedState? saved)
    {
        _core = new DhtCore(saved?.Id ?? NodeId.Random(_random), _options.Core, this, _random, Now);
        _core.Bootstrap(saved?.Nodes ?? [], [], Now);
        ResolveRouters(_options.BootstrapNodes).PipeTo(Self, success: r => new Resolved(r), failure: _ => new Resolved([]));
        Timers.StartPeriodicTimer("tick", Tick.Instance, _options.TickInterval);
        Timers.StartPeriodicTimer("save", SaveTick.Instance, _options.SaveInterval);
        _log.Info("DHT node {0} starting from {1} saved nodes", _core.Id, saved?.Nodes.Count ?? 0);
        _behaviour = Running;
        Stash.UnstashAll();
    }

    private bool Running(object message)
    {
        switch (message)
        {
            case UdpPort.Received m: _core.OnPacket(m.Packet, m.From, Now); return true;
            case UdpPort.Unreachable m: _core.OnUnreachable(m.To, Now); return true;
            case Tick:
                _core.OnTick(Now);
                LookUpDueTorrents();
                if (_gauge is not null) _gauge.Nodes = _core.Table.Count;
                return true;
            case Resolved m:
                // The routers are the fallback: asked now when there was no saved table, later if none of its nodes answers.
                _core.Bootstrap([], m.Routers, Now);
                if (m.Routers.Count == 0 && _options.BootstrapNodes.Count > 0 && _core.Table.Count == 0)
                    _log.Info("no DHT bootstrap node could be resolved ({0}); the DHT waits for nodes to reach it", string.Join(", ", _options.BootstrapNodes));
                return true;
            case SaveTick: SaveInBackground(); return true;
            default: return Requests(message);
        }
    }

    private DhtSavedState SavedState() => new(_core.Id, _core.Table.Contacts().ToList());

    private void SaveInBackground()
    {
        if (_statePath is null || _core.Table.Count == 0) return;
        var bytes = SavedState().Encode();
        var path = _statePath;
        _ = Task.Run(() =>
        {
            try
            {
                File.WriteAllBytes(path + ".tmp", bytes);
                File.Move(path + ".tmp", path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        });
    }

    /// <summary>"host:port" entries resolved to endpoints (unresolvable ones left out).</summary>
    private static async Task<IReadOnlyList<IPEndPoint>> ResolveRouters(IReadOnlyList<string> nodes)
    {
        var lookups = nodes.Select(async node =>
        {
            if (!TryParseHostPort(node, out var host, out var port)) return [];
            try
            {
                // An address literal is its own answer; names are looked up off the pool (at start-up the routers'
                // lookups held both pool threads of a 2-core machine: docs/performance.md, "start-up, second round").
                var addresses = await HostLookup.Shared.ResolveAsync(host, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                return addresses.Select(a => new IPEndPoint(a, port)).ToArray();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException or ArgumentException) { return Array.Empty<IPEndPoint>(); }
        });
        return (await Task.WhenAll(lookups).ConfigureAwait(false)).SelectMany(a => a).ToList();
    }

    internal static bool TryParseHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out port) || port is < 1 or > 65535) return false;
        host = text[..colon].Trim('[', ']');
        return host.Length > 0;
    }

    // ---- IDhtEffects ----------------------------------------------------------------------------------

    public void Send(byte[] packet, IPEndPoint to) => _udp.Tell(new UdpPort.Send(packet, to));

    public void PeersFound(int lookup, InfoHash infoHash, IReadOnlyList<IPEndPoint> peers) => Deliver(lookup, infoHash, peers);

    public void LookupDone(LookupReport report) => Finished(report);

    public void PeerAnnounced(InfoHash infoHash, IPEndPoint peer)
    {
        if (_tracked.TryGetValue(infoHash, out var t))
            foreach (var s in t.Subscribers) s.Tell(new PeersFromDht(infoHash, [peer]));
    }
}
