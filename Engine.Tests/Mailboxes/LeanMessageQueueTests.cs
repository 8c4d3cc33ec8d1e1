using Akka.Actor;
using Akka.Dispatch.MessageQueues;
using Akka.TestKit.Xunit2;
using Engine.Mailboxes;

namespace Engine.Tests.Mailboxes;

/// <summary>
/// The per-torrent actors' queue: first in, first out through growth and wrap-around, nothing held while it has never
/// had a message, a burst's large ring let go once drained, every message of concurrent producers delivered once and
/// in each producer's order; the stash variant puts a message back at the front; and actors run on both mailboxes in
/// a system that did not configure them until <see cref="LeanMailbox.Register"/>.
/// </summary>
public sealed class LeanMessageQueueTests : TestKit
{
    private static Envelope Message(int n) => new(n, ActorRefs.NoSender);

    private static List<int> Drain(IMessageQueue queue)
    {
        var taken = new List<int>();
        while (queue.TryDequeue(out var e)) taken.Add((int)e.Message);
        return taken;
    }

    [Fact]
    public void A_queue_that_never_had_a_message_holds_no_ring_and_has_nothing_to_give()
    {
        var queue = new LeanMessageQueue();
        Assert.Equal(0, queue.Capacity);
        Assert.False(queue.HasMessages);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Messages_come_out_in_the_order_they_went_in_across_growth_and_wrap_around()
    {
        var queue = new LeanMessageQueue();
        var expected = new List<int>();
        var taken = new List<int>();
        var next = 0;
        // Take fewer than are put, so the head wraps around the ring before it grows.
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 3; i++) { queue.Enqueue(ActorRefs.Nobody, Message(next)); expected.Add(next++); }
            Assert.True(queue.TryDequeue(out var e));
            taken.Add((int)e.Message);
        }
        Assert.Equal(40, queue.Count);
        taken.AddRange(Drain(queue));
        Assert.Equal(expected, taken);
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void A_small_ring_is_kept_when_the_queue_empties_and_a_burst_s_large_one_is_let_go()
    {
        var queue = new LeanMessageQueue();
        for (var i = 0; i < 5; i++) queue.Enqueue(ActorRefs.Nobody, Message(i));
        Drain(queue);
        Assert.Equal(8, queue.Capacity);

        for (var i = 0; i < LeanMessageQueue.KeptCapacity + 1; i++) queue.Enqueue(ActorRefs.Nobody, Message(i));
        Assert.Equal(2 * LeanMessageQueue.KeptCapacity, queue.Capacity);
        Drain(queue);
        Assert.Equal(0, queue.Capacity);
        queue.Enqueue(ActorRefs.Nobody, Message(1));
        Assert.Equal(LeanMessageQueue.FirstCapacity, queue.Capacity);
    }

    [Fact]
    public async Task Concurrent_producers_lose_nothing_and_keep_each_producer_s_order()
    {
        const int producers = 4, each = 20_000;
        var queue = new LeanMessageQueue();
        var seen = new int[producers];
        var total = 0;
        var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < each; i++) queue.Enqueue(ActorRefs.Nobody, Message(p * each + i));
        })).ToArray();
        start.Set();
        var consumer = Task.Run(() =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (total < producers * each && DateTime.UtcNow < deadline)
            {
                if (!queue.TryDequeue(out var e)) continue;
                var n = (int)e.Message;
                var p = n / each;
                Assert.Equal(seen[p], n % each); // each producer's messages in the order it sent them
                seen[p]++;
                total++;
            }
        });
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        await consumer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(seen, n => Assert.Equal(each, n));
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void Clean_up_hands_what_is_left_to_the_dead_letters_queue()
    {
        var queue = new LeanMessageQueue();
        for (var i = 0; i < 3; i++) queue.Enqueue(ActorRefs.Nobody, Message(i));
        var dead = new UnboundedMessageQueue();
        queue.CleanUp(ActorRefs.Nobody, dead);
        Assert.Equal([0, 1, 2], Drain(dead));
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void The_stash_variant_puts_a_message_back_at_the_front()
    {
        var queue = new LeanDequeMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Message(1));
        queue.Enqueue(ActorRefs.Nobody, Message(2));
        queue.EnqueueFirst(Message(0));
        Assert.Equal([0, 1, 2], Drain(queue));
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }

    /// <summary>Stashes everything until "go", then answers what it stashed, in order.</summary>
    private sealed class Stasher : ReceiveActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        public Stasher()
        {
            Receive<string>(s => s == "go", _ =>
            {
                Become(() => ReceiveAny(m => Sender.Tell(m)));
                Stash.UnstashAll();
            });
            ReceiveAny(_ => Stash.Stash());
        }
    }

    [Fact]
    public void Actors_run_on_both_mailboxes_once_registered_in_a_system_that_did_not_configure_them()
    {
        LeanMailbox.Register(Sys);
        LeanMailbox.Register(Sys); // twice is harmless
        var echo = Sys.ActorOf(Props.Create(() => new Echo()).WithMailbox(LeanMailbox.Id));
        for (var i = 0; i < 100; i++) echo.Tell(i, TestActor);
        for (var i = 0; i < 100; i++) ExpectMsg(i);

        var stasher = Sys.ActorOf(Props.Create(() => new Stasher()).WithMailbox(LeanMailbox.DequeId));
        stasher.Tell(1, TestActor);
        stasher.Tell(2, TestActor);
        stasher.Tell("go", TestActor);
        stasher.Tell(3, TestActor);
        ExpectMsg(1);
        ExpectMsg(2);
        ExpectMsg(3);
    }
}
