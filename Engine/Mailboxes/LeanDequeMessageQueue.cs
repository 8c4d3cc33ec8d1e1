using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Engine.Mailboxes;

/// <summary>A <see cref="LeanMessageQueue"/> that a stash can put messages back at the front of (Akka's prepend stack).</summary>
internal sealed class LeanDequeMessageQueue() : DequeWrapperMessageQueue(new LeanMessageQueue()), IUnboundedDequeBasedMessageQueueSemantics;
