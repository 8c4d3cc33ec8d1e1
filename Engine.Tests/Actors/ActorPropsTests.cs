using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Mailboxes;
using Engine.Actors;

namespace Engine.Tests.Actors;

/// <summary>Props made from a factory delegate: the factory makes the actor at its start and at every restart, whatever mailbox it is given.</summary>
public sealed class ActorPropsTests : TestKit
{
    /// <summary>Answers which incarnation it is and on which mailbox it runs; throws on "boom".</summary>
    private sealed class Counted(int incarnation) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is "boom") throw new InvalidOperationException("boom");
            Sender.Tell((incarnation, Context.Props.Mailbox));
        }
    }

    [Fact]
    public void The_factory_makes_the_actor_at_its_start_and_again_at_each_restart()
    {
        var made = 0;
        var actor = Sys.ActorOf(ActorProps.Of(() => new Counted(Interlocked.Increment(ref made))));
        actor.Tell("which", TestActor);
        Assert.Equal(1, ExpectMsg<(int, string)>().Item1);

        EventFilter.Exception<InvalidOperationException>().ExpectOne(() => actor.Tell("boom"));
        actor.Tell("which", TestActor);
        Assert.Equal(2, ExpectMsg<(int, string)>().Item1);
        Assert.Equal(2, made);
    }

    [Fact]
    public void A_mailbox_given_to_the_props_is_the_one_the_actor_runs_on()
    {
        LeanMailbox.Register(Sys);
        var props = ActorProps.Of(() => new Counted(7)).WithMailbox(LeanMailbox.Id);
        Assert.Equal(typeof(Counted), props.Type);
        var actor = Sys.ActorOf(props);
        actor.Tell("which", TestActor);
        Assert.Equal((7, LeanMailbox.Id), ExpectMsg<(int, string)>());
    }
}
