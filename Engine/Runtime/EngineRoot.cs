using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Core.Supervision;
using Engine.Datagrams;
using Engine.Dht;
using Engine.Lsd;
using Engine.Events;
using Engine.Metadata;
using Engine.Peers;
using Engine.Supervision;
using Engine.Torrents;

namespace Engine.Runtime;

/// <summary>
/// The engine's root actor (one per ActorSystem): owns the listener and one <see cref="TorrentActor"/>
/// per torrent, and routes incoming connections to their torrent by info-hash. An unknown info-hash is
/// closed. A torrent actor that fails is stopped (its own supervisor keeps peers away from it). The listener is
/// watched: when it fails or stops, the loss is logged and a new one listens on the same port (the one actually
/// bound) after a backoff (<see cref="RestartBackoff"/>), so incoming peers never silently stop.
/// </summary>
internal sealed partial class EngineRoot : UntypedActor, IWithTimers
{
    /// <summary>Adds a torrent; replies <see cref="TorrentAdded"/> or <see cref="AddFailed"/>. <paramref name="Subscriber"/> gets the torrent's events from its very start.
    /// <paramref name="Files"/>: the files' priorities (null: all normal). <paramref name="WebSeeds"/>: false, the torrent's url-list is not used.</summary>
    public sealed record AddTorrent(TorrentMetainfo Torrent, string SaveDirectory, Limits.RateLimits Limits = default, bool StartPaused = false, IActorRef? Subscriber = null,
        FileLevels? Files = null, bool Sequential = false, bool WebSeeds = true)
    {
        /// <summary>The adder found nothing of the torrent on disk (<see cref="Storage.StartProbe"/>): it starts without waiting for its check.</summary>
        public bool NothingOnDisk { get; init; }
    }
    /// <summary>Adds a magnet link: its metadata is fetched first (see <see cref="MetadataFetcher"/>), then the torrent starts like any other.
    /// Replies <see cref="TorrentAdded"/> (with the fetcher) or <see cref="AddFailed"/>.</summary>
    public sealed record AddMagnet(MagnetLink Magnet, string SaveDirectory, Limits.RateLimits Limits = default, bool StartPaused = false, IActorRef? Subscriber = null,
        FileLevels? Files = null, bool Sequential = false, bool WebSeeds = true);
    public sealed record TorrentAdded(InfoHash InfoHash, IActorRef Torrent);
    public sealed record AddFailed(string Reason);
    /// <summary>Stops the torrent and forgets it; the torrent replies <see cref="TorrentActor.TorrentStopped"/> (or <see cref="TorrentNotFound"/>).</summary>
    public sealed record RemoveTorrent(InfoHash InfoHash);
    /// <summary>Forwards <paramref name="Message"/> to the torrent (the reply goes to the sender); replies <see cref="TorrentNotFound"/> when there is none.</summary>
    public sealed record ToTorrent(InfoHash InfoHash, object Message);
    public sealed record TorrentNotFound(InfoHash InfoHash);
    /// <summary>Forwards <paramref name="Message"/> to the DHT node (the reply goes to the sender); replies <see cref="DhtOff"/> when there is none.</summary>
    public sealed record ToDht(object Message);
    public sealed record DhtOff;

    /// <summary>Forwards <see cref="PortMapping.PortMapper.GetStatus"/> to the port mapper; answers a status saying it is off when there is none.</summary>
    public sealed record ToPortMapper(object Message);
    /// <summary>Replies <see cref="ListenEndPoint"/> once bound (or the bind failure).</summary>
    public sealed record GetListenEndPoint;
    public sealed record ListenEndPoint(IPEndPoint? EndPoint);

    private sealed class RestartListener { public static readonly RestartListener Instance = new(); }
    /// <summary>A uTP connection the multiplexer accepted, for the listener to read its handshake.</summary>
    private sealed record IncomingUtp(Utp.UtpTransport Transport);

    private IActorRef _portMapper = ActorRefs.Nobody;
    private EngineContext _engine;
    private IActorRef _dht = ActorRefs.Nobody;
    private IActorRef _udp = ActorRefs.Nobody;
    private readonly string _resumeDirectory;
    private readonly ChildFailures _failures = new();
    private readonly RestartBackoff _listenerBackoff = new();
    private readonly IPEndPoint? _listenOn;
    private readonly bool _mapPort; // whether a port mapper starts once the listener is bound
    private IActorRef _listener = ActorRefs.Nobody;
    private readonly Dictionary<InfoHash, IActorRef> _torrents = new();
    private readonly Dictionary<IActorRef, AddMagnet> _fetchers = new();
    private readonly List<IActorRef> _endpointWaiters = new();
    private IPEndPoint? _bound;
    private int _fetcherCount;

    public EngineRoot(EngineContext engine, IPEndPoint? listenOn, string resumeDirectory, DhtOptions? dht = null, bool lsd = false, bool portMapping = false,
        Utp.UtpDialOrder utp = Utp.UtpDialOrder.Off, Socket? listening = null)
    {
        _engine = engine;
        _resumeDirectory = resumeDirectory;
        Mailboxes.LeanMailbox.Register(Context.System); // the torrents' actors use it, in whatever system the engine runs
        _listenOn = listenOn;
        // Listening on one address, the engine dials from it too (unless the context brings a dialer of its own).
        var tcp = listenOn is null ? Transports.TcpDialer.Instance : Transports.TcpDialer.For(listenOn.Address);
        if (ReferenceEquals(_engine.BaseDialer, Transports.TcpDialer.Instance)) _engine = _engine with { BaseDialer = tcp };
        if (listenOn is not null) StartListener(listenOn, listening);
        if (listenOn is not null && (dht is { Enabled: true } || utp != Utp.UtpDialOrder.Off)) StartUdp(listenOn, utp, tcp);
        if (listenOn is not null && dht is { Enabled: true }) StartDht(dht);
        if (listenOn is not null && lsd) _engine = _engine with { Lsd = Context.ActorOf(LocalDiscovery.Props(listenOn.Address), "lsd") };
        // A listener on loopback cannot be reached from outside: nothing to ask the router for. The mapper starts
        // once the listener is bound (port 0 asks the system for one).
        _mapPort = listenOn is not null && portMapping && !IPAddress.IsLoopback(listenOn.Address);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PeerListener.Bound m: OnBound(m); break;
            case GetListenEndPoint:
                if (_bound is not null || _listenOn is null) Sender.Tell(new ListenEndPoint(_bound));
                else _endpointWaiters.Add(Sender);
                break;
            case IncomingUtp m:
                if (_listener.IsNobody()) m.Transport.Dispose();
                else _listener.Tell(new PeerListener.Incoming(m.Transport));
                break;
            case PeerListener.Accepted m:
                if (TryRoute(m.Handshake.InfoHash, out var torrent) && !m.Handshake.PeerId.Equals(_engine.OurId))
                    torrent.Tell(new PeerManager.IncomingPeer(m.Transport, m.Remote, m.Handshake, m.InitialBytes));
                else m.Transport.Dispose();
                break;
            case AddTorrent m: OnAdd(m); break;
            case AddMagnet m: OnAddMagnet(m); break;
            case MetadataFetcher.MetadataFetched m: OnMetadata(m); break;
            case RemoveTorrent m: OnRemove(m); break;
            case ToTorrent m:
                if (TryRoute(m.InfoHash, out var t)) t.Forward(m.Message);
                else Sender.Tell(new TorrentNotFound(m.InfoHash));
                break;
            case Terminated m: OnTerminated(m); break;
            case RestartListener: StartListener(ListenerEndPoint); break;
            case ToPortMapper m:
                if (_portMapper.IsNobody()) Sender.Tell(m.Message is PortMapping.PortMapper.Unmap ? new PortMapping.PortMapper.Unmapped() : new PortMapping.PortMapper.Status(null, null, null, null, _mapPort ? "looking for the router" : "off"));
                else _portMapper.Forward(m.Message);
                break;
            case ToDht m:
                if (_dht.IsNobody()) Sender.Tell(new DhtOff());
                else _dht.Forward(m.Message);
                break;
            case UdpPort.Bound m:
                if (m.Error is not null) Context.GetLogger().Warning("the DHT and uTP are off: {0}", m.Error);
                break;
            default: Unhandled(message); break;
        }
    }

    private void OnBound(PeerListener.Bound m)
    {
        _bound = m.LocalEndPoint;
        if (_mapPort && _portMapper.IsNobody())
            _portMapper = Context.ActorOf(PortMapping.PortMapper.Props(m.LocalEndPoint.Port, _listenOn!.Address, _engine.PublicPort), "port-mapper");
        foreach (var w in _endpointWaiters) w.Tell(new ListenEndPoint(_bound));
        _endpointWaiters.Clear();
    }

    private void OnRemove(RemoveTorrent m)
    {
        var hash = Primary(m.InfoHash);
        if (_torrents.Remove(hash, out var t))
        {
            _engine.MseTorrents.Remove(hash);
            ForgetAlias(hash);
            t.Forward(new TorrentActor.StopTorrent());
        }
        else Sender.Tell(new TorrentNotFound(m.InfoHash));
    }

    private void OnTerminated(Terminated m)
    {
        var cause = _failures.Take(m.ActorRef);
        if (m.ActorRef.Equals(_listener))
        {
            OnListenerLost(cause);
            return;
        }
        if (cause is not null) Context.GetLogger().Error(cause, "{0} {1} and is stopped", m.ActorRef.Path.Name, ChildFailures.Outcome(cause));
        _fetchers.Remove(m.ActorRef);
        foreach (var (hash, actor) in _torrents)
            if (actor.Equals(m.ActorRef))
            {
                _torrents.Remove(hash);
                _engine.MseTorrents.Remove(hash);
                ForgetAlias(hash);
                break;
            }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="listening">A socket already listening on <paramref name="listenOn"/>, for the first listener to take over (its restarts open their own).</param>
    public static Props Props(EngineContext engine, IPEndPoint? listenOn, string resumeDirectory, DhtOptions? dht = null, bool lsd = false, bool portMapping = false,
        Utp.UtpDialOrder utp = Utp.UtpDialOrder.Off, Socket? listening = null)
        => ActorProps.Of(() => new EngineRoot(engine, listenOn, resumeDirectory, dht, lsd, portMapping, utp, listening));

    /// <summary>
    /// A child that throws is stopped; on Terminated a torrent or fetcher is forgotten, the listener started again. The DHT
    /// node and its UDP port are restarted in place instead (torrents hold their references; the node replays its tracked
    /// torrents to its next incarnation).
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => _failures.Strategy(
        child => child.Equals(_dht) || child.Path.Name is "udp" or "lsd",
        (child, cause) => Context.GetLogger().Warning("{0} failed ({1}) and is started again", child.Path.Name, ChildFailures.Describe(cause)));

    /// <summary>
    /// The UDP port on the listen port's number, with the uTP multiplexer on it when uTP is on: its accepted connections
    /// go to the listener (through this actor, which knows the current one), and torrents dial through it.
    /// </summary>
    private void StartUdp(IPEndPoint listenOn, Utp.UtpDialOrder mode, Transports.TcpDialer tcp)
    {
        Utp.UtpMultiplexer? mux = null;
        if (mode != Utp.UtpDialOrder.Off)
        {
            mux = new Utp.UtpMultiplexer();
            var self = Self;
            mux.Accepted = t => self.Tell(new IncomingUtp(t));
            _engine = _engine with
            {
                BaseDialer = Utp.UtpDialers.For(mode, mux, tcp),
                UtpFirstDialer = mode == Utp.UtpDialOrder.TcpFirst ? Utp.UtpDialers.For(Utp.UtpDialOrder.UtpFirst, mux, tcp) : null,
                HolepunchDialer = new Utp.UtpDialer(mux, punching: true),
            };
        }
        _udp = Context.ActorOf(UdpPort.Props(listenOn, mux), "udp");
    }

    /// <summary>The DHT node on the UDP port (its routing table kept in the state directory).</summary>
    private void StartDht(DhtOptions options)
    {
        var udp = _udp;
        _dht = Context.ActorOf(DhtNode.Props(options, udp, Path.Combine(_resumeDirectory, "dht.dat"), _engine.DhtSize), "dht");
        _engine = _engine with { Dht = _dht };
    }

    private void StartListener(IPEndPoint endPoint, Socket? listening = null)
    {
        _listener = Context.ActorOf(PeerListener.Props(endPoint, _engine.PeerSettings.HandshakeTimeout, _engine.Encryption, _engine.MseTorrents, listening: listening), "listener");
        Context.Watch(_listener);
        _listenerBackoff.Started(Context.System.Scheduler.Now);
    }

    /// <summary>Where a listener listens: the address the last one bound (the real port when port 0 was asked for), else the one configured.</summary>
    private IPEndPoint ListenerEndPoint => _bound ?? _listenOn!;

    /// <summary>The listener failed or stopped: log it, and listen again on <see cref="ListenerEndPoint"/> after the backoff.</summary>
    private void OnListenerLost(Exception? cause)
    {
        _listener = ActorRefs.Nobody;
        var delay = _listenerBackoff.Failed(Context.System.Scheduler.Now);
        Context.GetLogger().Warning(cause, "the peer listener on {0} {1}; listening again in {2:0.#} s",
            ListenerEndPoint, ChildFailures.Outcome(cause), delay.TotalSeconds);
        Timers.StartSingleTimer("restart-listener", RestartListener.Instance, delay);
    }

    /// <summary>"torrent-&lt;hash&gt;", with a suffix while an earlier actor of the same torrent is still stopping.</summary>
    private static string ChildName(InfoHash hash)
    {
        var name = "torrent-" + hash.ToHex();
        for (var n = 2; !Context.Child(name).IsNobody(); n++) name = $"torrent-{hash.ToHex()}-{n}";
        return name;
    }

    private void OnAddMagnet(AddMagnet m)
    {
        var hash = m.Magnet.InfoHash;
        if (TryRoute(hash, out _)) // its own hash, or a hybrid's v2 hash
        {
            Sender.Tell(new AddFailed($"torrent {hash} is already added"));
            return;
        }
        // The fetcher stands in for the torrent (status, pause, stop) until the metadata is there.
        var fetcher = Context.ActorOf(MetadataFetcher.Props(m.Magnet, _engine, _engine.Metadata, m.StartPaused), "metadata-" + hash.ToHex() + "-" + ++_fetcherCount);
        if (m.Subscriber is not null) fetcher.Tell(new TorrentActor.Subscribe(m.Subscriber));
        Context.Watch(fetcher);
        _torrents[hash] = fetcher;
        _engine.MseTorrents.Add(hash);
        _fetchers[fetcher] = m;
        Sender.Tell(new TorrentAdded(hash, fetcher));
    }

    private void OnMetadata(MetadataFetcher.MetadataFetched m)
    {
        var hash = m.Torrent.InfoHash;
        // The fetcher stands under the magnet's hash: a btmh-only magnet of a hybrid becomes a torrent known by its v1 hash.
        if (!_fetchers.TryGetValue(Sender, out var request) || !_torrents.TryGetValue(request.Magnet.InfoHash, out var current) || !current.Equals(Sender))
        {
            m.Connection?.Transport.Dispose();
            return; // removed meanwhile
        }
        _fetchers.Remove(Sender);
        Context.Unwatch(Sender);
        Sender.Tell(PoisonPill.Instance); // after the queries already queued for it are answered
        _torrents.Remove(request.Magnet.InfoHash);
        _engine.MseTorrents.Remove(request.Magnet.InfoHash);
        if (_torrents.ContainsKey(hash))
        {
            // A btmh-only magnet of a hybrid added meanwhile by its .torrent (v1 hash): that torrent stays, the magnet ends.
            Context.GetLogger().Warning("the metadata of {0} names torrent {1}, which is already added", request.Magnet.InfoHash, hash);
            m.Connection?.Transport.Dispose();
            return;
        }
        try { File.WriteAllBytes(Path.Combine(_resumeDirectory, hash.ToHex() + ".torrent"), m.TorrentFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Context.GetLogger().Warning("cannot save the metadata of {0}: {1}", hash, e.Message);
        }
        foreach (var s in m.Subscribers) s.Tell(new MetadataReceived(hash, Context.System.Scheduler.Now, m.Torrent));
        var actor = Start(new AddTorrent(m.Torrent, request.SaveDirectory, request.Limits, m.Paused, Files: request.Files, Sequential: request.Sequential, WebSeeds: request.WebSeeds));
        foreach (var s in m.Subscribers) actor.Tell(new TorrentActor.Subscribe(s));
        // The fetcher met them under the magnet's hash: a btmh-only magnet's peers are dialled with the v2 hash.
        var underV2 = request.Magnet.InfoHash == m.Torrent.HybridV2Hash;
        if (m.Connection is not null) actor.Tell(m.Connection); // the metadata's connection first: it is not dialled again
        if (m.Peers.Count > 0) actor.Tell(new PeerManager.AddPeers(m.Peers, UnderV2: underV2));
    }

    private void OnAdd(AddTorrent m)
    {
        if (_torrents.ContainsKey(m.Torrent.InfoHash))
        {
            Sender.Tell(new AddFailed($"torrent {m.Torrent.InfoHash} is already added"));
            return;
        }
        Sender.Tell(new TorrentAdded(m.Torrent.InfoHash, Start(m)));
    }

    private IActorRef Start(AddTorrent m)
    {
        var resume = Path.Combine(_resumeDirectory, m.Torrent.InfoHash.ToHex() + ".resume");
        var actor = Context.ActorOf(TorrentActor.Props(m.Torrent, m.SaveDirectory, resume, _engine, m.Limits, m.StartPaused, m.Files, m.Sequential, m.WebSeeds,
            m.Subscriber, m.NothingOnDisk), ChildName(m.Torrent.InfoHash));
        Context.Watch(actor);
        _torrents[m.Torrent.InfoHash] = actor;
        _engine.MseTorrents.Add(m.Torrent.InfoHash);
        AddAlias(m.Torrent);
        return actor;
    }
}
