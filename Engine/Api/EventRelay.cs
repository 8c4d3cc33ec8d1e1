using Akka.Actor;
using Engine.Actors;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Mailboxes;

namespace Engine.Api;

/// <summary>Subscribed to one torrent actor (or its magnet's metadata fetcher): puts its <see cref="TorrentEvent"/>s on the hub.</summary>
internal sealed class EventRelay(EventHub hub, Action<TorrentMetainfo> onMetadata) : UntypedActor
{
    /// <summary>Answered with <see cref="Drained"/> once every event told before it has been handled.</summary>
    public sealed class Drain { public static readonly Drain Instance = new(); }
    public sealed class Drained { public static readonly Drained Instance = new(); }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case TorrentEvent e:
                if (e is MetadataReceived m) onMetadata(m.Metainfo);
                hub.Publish(e);
                break;
            case Drain: Sender.Tell(Drained.Instance); break;
            default: break; // anything else: dropped
        }
    }

    public static Props Props(EventHub hub, Action<TorrentMetainfo> onMetadata) => ActorProps.Of(() => new EventRelay(hub, onMetadata)).WithMailbox(LeanMailbox.Id); // one per torrent, mostly idle
}
