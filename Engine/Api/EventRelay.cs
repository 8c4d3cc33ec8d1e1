using Akka.Actor;
using Engine.Torrents;

namespace Engine.Api;

/// <summary>Subscribed to one torrent actor: turns its notifications into public <see cref="TorrentEvent"/>s on the hub.</summary>
internal sealed class EventRelay : ReceiveActor
{
    public EventRelay(EventHub hub, Action<Engine.Core.Metainfo.TorrentMetainfo> onMetadata)
    {
        Receive<Metadata.MetadataFetcher.MetadataReceived>(m =>
        {
            onMetadata(m.Torrent);
            hub.Publish(new MetadataReceived(m.InfoHash, Now, m.Torrent.Name));
        });
        Receive<TorrentActor.StateChanged>(m => hub.Publish(new StateChanged(m.InfoHash, Now, States.ToApi(m.State))));
        Receive<TorrentActor.PieceVerified>(m => hub.Publish(new PieceVerified(m.InfoHash, Now, m.Piece)));
        Receive<TorrentActor.TorrentCompleted>(m => hub.Publish(new Completed(m.InfoHash, Now)));
        Receive<TorrentActor.TorrentFailed>(m => hub.Publish(new Failed(m.InfoHash, Now, m.Reason)));
        Receive<TorrentActor.PeerConnected>(m => hub.Publish(new PeerConnected(m.InfoHash, Now, m.Remote, ClientNames.Describe(m.PeerId))));
        Receive<TorrentActor.PeerDropped>(m => hub.Publish(new PeerDropped(m.InfoHash, Now, m.Remote, m.Reason)));
        ReceiveAny(_ => { });
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    public static Props Props(EventHub hub, Action<Engine.Core.Metainfo.TorrentMetainfo> onMetadata) => Akka.Actor.Props.Create(() => new EventRelay(hub, onMetadata));
}
