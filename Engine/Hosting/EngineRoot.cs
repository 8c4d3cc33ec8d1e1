using Akka.Event;
using System.Net;
using Akka.Actor;
using Engine.Metainfo;
using Engine.Peers;
using Engine.Primitives;
using Engine.Torrents;

namespace Engine.Hosting;

/// <summary>
/// The engine's root actor (one per ActorSystem): owns the listener and one <see cref="TorrentActor"/>
/// per torrent, and routes incoming connections to their torrent by info-hash. An unknown info-hash is
/// closed. A torrent actor that fails is stopped (its own supervisor keeps peers away from it).
/// </summary>
public sealed class EngineRoot : ReceiveActor
{
    public sealed record AddTorrent(TorrentMetainfo Torrent, string SaveDirectory, Limits.RateLimits Limits = default);
    public sealed record TorrentAdded(InfoHash InfoHash, IActorRef Torrent);
    public sealed record AddFailed(string Reason);
    public sealed record RemoveTorrent(InfoHash InfoHash);
    /// <summary>Replies <see cref="ListenEndPoint"/> once bound (or the bind failure).</summary>
    public sealed record GetListenEndPoint;
    public sealed record ListenEndPoint(IPEndPoint? EndPoint);

    private readonly EngineContext _engine;
    private readonly string _resumeDirectory;
    private readonly Dictionary<InfoHash, IActorRef> _torrents = new();
    private readonly List<IActorRef> _endpointWaiters = new();
    private IPEndPoint? _bound;

    public EngineRoot(EngineContext engine, IPEndPoint? listenOn, string resumeDirectory)
    {
        _engine = engine;
        _resumeDirectory = resumeDirectory;
        if (listenOn is not null)
            Context.ActorOf(PeerListener.Props(listenOn, engine.PeerSettings.HandshakeTimeout), "listener");

        Receive<PeerListener.Bound>(m =>
        {
            _bound = m.LocalEndPoint;
            foreach (var w in _endpointWaiters) w.Tell(new ListenEndPoint(_bound));
            _endpointWaiters.Clear();
        });
        Receive<GetListenEndPoint>(_ =>
        {
            if (_bound is not null || listenOn is null) Sender.Tell(new ListenEndPoint(_bound));
            else _endpointWaiters.Add(Sender);
        });
        Receive<PeerListener.Accepted>(m =>
        {
            if (_torrents.TryGetValue(m.Handshake.InfoHash, out var torrent) && !m.Handshake.PeerId.Equals(_engine.OurId))
                torrent.Tell(new PeerManager.IncomingPeer(m.Socket, m.Remote, m.Handshake, m.InitialBytes));
            else m.Socket.Dispose();
        });
        Receive<AddTorrent>(OnAdd);
        Receive<RemoveTorrent>(m =>
        {
            if (_torrents.Remove(m.InfoHash, out var t)) t.Forward(new TorrentActor.StopTorrent());
        });
        Receive<Terminated>(m =>
        {
            foreach (var (hash, actor) in _torrents)
                if (actor.Equals(m.ActorRef)) { _torrents.Remove(hash); break; }
        });
    }

    public static Props Props(EngineContext engine, IPEndPoint? listenOn, string resumeDirectory)
        => Akka.Actor.Props.Create(() => new EngineRoot(engine, listenOn, resumeDirectory));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        Context.GetLogger().Error(e, "engine child failed");
        return Directive.Stop;
    });

    private void OnAdd(AddTorrent m)
    {
        if (_torrents.ContainsKey(m.Torrent.InfoHash))
        {
            Sender.Tell(new AddFailed($"torrent {m.Torrent.InfoHash} is already added"));
            return;
        }
        var resume = Path.Combine(_resumeDirectory, m.Torrent.InfoHash.ToHex() + ".resume");
        var actor = Context.ActorOf(TorrentActor.Props(m.Torrent, m.SaveDirectory, resume, _engine, m.Limits), "torrent-" + m.Torrent.InfoHash.ToHex());
        Context.Watch(actor);
        _torrents[m.Torrent.InfoHash] = actor;
        Sender.Tell(new TorrentAdded(m.Torrent.InfoHash, actor));
    }
}
