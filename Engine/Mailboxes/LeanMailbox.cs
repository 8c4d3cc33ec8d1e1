using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Engine.Mailboxes;

/// <summary>
/// The mailbox of the per-torrent actors (<see cref="LeanMessageQueue"/>: nothing preallocated while empty). An actor
/// gets it through its Props, <c>.WithMailbox(LeanMailbox.Id)</c>, or <see cref="DequeId"/> for one with a stash; the
/// ids are configured by <see cref="Register"/>, which the engine's root actor calls in whatever ActorSystem it runs.
/// </summary>
internal sealed class LeanMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<LeanMessageQueue>
{
    public const string Id = "engine.lean-mailbox";

    /// <summary>The same queue with a stash's prepend (<see cref="LeanDequeMailbox"/>).</summary>
    public const string DequeId = "engine.lean-deque-mailbox";

    private static readonly Config Hocon = ConfigurationFactory.ParseString($$"""
        {{Id}}.mailbox-type = "{{typeof(LeanMailbox).AssemblyQualifiedName}}"
        {{DequeId}}.mailbox-type = "{{typeof(LeanDequeMailbox).AssemblyQualifiedName}}"
        """);

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new LeanMessageQueue();

    /// <summary>Makes the two ids known to <paramref name="system"/> (once; the engine may share a system the host made).</summary>
    public static void Register(ActorSystem system)
    {
        lock (Hocon)
        {
            if (!system.Settings.Config.HasPath(Id)) system.Settings.InjectTopLevelFallback(Hocon);
        }
    }
}
