using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Supervision;

namespace Engine.Tests.Supervision;

/// <summary>A parent learns, on Terminated, which of its children failed and with what, and which stopped without failing.</summary>
public sealed class ChildFailuresSpec : TestKit
{
    private sealed record Ended(string Child, string Why);
    private sealed record StopChild(string Name);

    private sealed class Child : ReceiveActor
    {
        private readonly bool _failInPreStart;

        public Child(bool failInPreStart, bool failInConstructor)
        {
            if (failInConstructor) throw new ArgumentException("cannot be made");
            _failInPreStart = failInPreStart;
            Receive<string>(s => throw new IOException(s));
        }

        protected override void PreStart()
        {
            if (_failInPreStart) throw new InvalidOperationException("cannot start");
        }
    }

    private sealed class Parent : ReceiveActor
    {
        private readonly ChildFailures _failures = new();

        public Parent(IActorRef report)
        {
            Context.Watch(Context.ActorOf(Props.Create(() => new Child(false, false)), "throws"));
            Context.Watch(Context.ActorOf(Props.Create(() => new Child(false, false)), "stops"));
            Context.Watch(Context.ActorOf(Props.Create(() => new Child(true, false)), "cannot-start"));
            Context.Watch(Context.ActorOf(Props.Create(() => new Child(false, true)), "cannot-be-made"));
            Receive<string>(name => Context.Child(name).Forward(name));
            Receive<StopChild>(m => Context.Stop(Context.Child(m.Name)));
            Receive<Terminated>(m => report.Tell(new Ended(m.ActorRef.Path.Name, ChildFailures.Outcome(_failures.Take(m.ActorRef)))));
        }

        protected override SupervisorStrategy SupervisorStrategy() => _failures.Strategy();
    }

    [Fact]
    public void Each_child_is_stopped_and_its_own_cause_is_told_apart_from_a_plain_stop()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent(TestActor)));
        var early = new[] { ExpectMsg<Ended>(), ExpectMsg<Ended>() }.OrderBy(e => e.Child).ToArray();
        Assert.Equal(new Ended("cannot-be-made", "failed (ArgumentException: cannot be made)"), early[0]);
        Assert.Equal(new Ended("cannot-start", "failed (InvalidOperationException: cannot start)"), early[1]);

        parent.Tell("throws");
        Assert.Equal(new Ended("throws", "failed (IOException: throws)"), ExpectMsg<Ended>());
        parent.Tell(new StopChild("stops"));
        Assert.Equal(new Ended("stops", "stopped unexpectedly"), ExpectMsg<Ended>());
        Assert.Null(new ChildFailures().Take(parent)); // nothing recorded, nothing invented
    }
}
