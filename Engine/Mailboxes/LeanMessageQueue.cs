using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Engine.Mailboxes;

/// <summary>
/// An unbounded message queue (many producers, one consumer) that costs next to nothing while it is empty: a ring of
/// envelopes made on the first message, grown by doubling, and let go when it empties after growing past
/// <see cref="KeptCapacity"/> (a burst does not pin its memory). Akka's default queue, a <c>ConcurrentQueue</c>, starts
/// with a 32-slot segment (~1 KB) in every mailbox; with several actors per torrent and 10 000 idle torrents that was
/// 43 MB (docs/decisions.md, "A lean mailbox for the per-torrent actors"). Producers and the consumer take a lock,
/// held for a few instructions; <see cref="HasMessages"/> and an empty <see cref="TryDequeue"/> read the count without it.
/// </summary>
internal sealed class LeanMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    /// <summary>The ring's size on the first message (a power of two, like every later size).</summary>
    public const int FirstCapacity = 4;

    /// <summary>A ring no larger than this is kept when the queue empties; a larger one is let go.</summary>
    public const int KeptCapacity = 64;

    private readonly Lock _gate = new();
    private Envelope[]? _ring;
    private int _head;
    private int _count;

    /// <summary>The size of the ring held now (0: none), for tests.</summary>
    public int Capacity => _ring?.Length ?? 0;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_gate)
        {
            if (_ring is null) _ring = new Envelope[FirstCapacity];
            else if (_count == _ring.Length) Grow();
            _ring[(_head + _count) & (_ring.Length - 1)] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        envelope = default;
        if (Volatile.Read(ref _count) == 0) return false; // the one consumer: nobody else takes what it sees
        lock (_gate)
        {
            var ring = _ring!;
            envelope = ring[_head];
            ring[_head] = default; // the message is the actor's now, not the queue's
            _head = (_head + 1) & (ring.Length - 1);
            Volatile.Write(ref _count, _count - 1);
            if (_count == 0)
            {
                _head = 0;
                if (ring.Length > KeptCapacity) _ring = null;
            }
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }

    private void Grow()
    {
        var ring = _ring!;
        var larger = new Envelope[ring.Length * 2];
        for (var i = 0; i < _count; i++) larger[i] = ring[(_head + i) & (ring.Length - 1)];
        _ring = larger;
        _head = 0;
    }
}
