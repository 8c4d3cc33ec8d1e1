using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Engine.Mailboxes;

/// <summary><see cref="LeanMailbox"/> for an actor with a stash (<see cref="IWithUnboundedStash"/>), id <see cref="LeanMailbox.DequeId"/>.</summary>
internal sealed class LeanDequeMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<LeanDequeMessageQueue>
{
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new LeanDequeMessageQueue();
}
