using Akka.Actor;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Mailboxes;
using Engine.Runtime;

namespace Engine.Api;

/// <summary>Subscribed to one torrent actor (or its magnet's metadata fetcher): puts its <see cref="TorrentEvent"/>s on the hub.</summary>
internal sealed class EventRelay(EventHub hub, Action<TorrentMetainfo> onMetadata) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (message is not TorrentEvent e) return; // anything else: dropped
        if (e is MetadataReceived m) onMetadata(m.Metainfo);
        hub.Publish(e);
    }

    public static Props Props(EventHub hub, Action<TorrentMetainfo> onMetadata) => ActorProps.Of(() => new EventRelay(hub, onMetadata)).WithMailbox(LeanMailbox.Id); // one per torrent, mostly idle
}
