using System.Collections.Concurrent;
using System.Reflection;
using Akka.Actor;

namespace Engine.Bench.Scale;

/// <summary>
/// What a deep mailbox holds: the type names of its queued messages. Akka.NET has no public way to look into a
/// message queue, so this reads the queue's private <see cref="ConcurrentQueue{T}"/> of envelopes by reflection
/// (enumerating a ConcurrentQueue is a safe snapshot from any thread); where no such field exists, nothing is read.
/// Used only on mailboxes at least <see cref="Threshold"/> deep, so a healthy run pays nothing for it.
/// </summary>
public static class MailboxPeek
{
    public const int Threshold = 32;

    private static readonly ConcurrentDictionary<Type, FieldInfo?> Fields = new();

    /// <summary>Adds the type name of every message queued in <paramref name="cell"/>'s mailbox to <paramref name="counts"/>.</summary>
    public static void CountTypes(ActorCell cell, Dictionary<string, long> counts)
    {
        var queue = cell.Mailbox?.MessageQueue;
        if (queue is null) return;
        var field = Fields.GetOrAdd(queue.GetType(), t => t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .FirstOrDefault(f => typeof(IEnumerable<Envelope>).IsAssignableFrom(f.FieldType)));
        if (field?.GetValue(queue) is not IEnumerable<Envelope> envelopes) return;
        foreach (var e in envelopes)
        {
            var name = Name(e.Message?.GetType());
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
    }

    /// <summary>A message type's name with its declaring type (PeerManager.IncomingPeer), without the namespace.</summary>
    private static string Name(Type? type) => type is null ? "null" : type.DeclaringType is { } outer ? $"{outer.Name}.{type.Name}" : type.Name;
}
