using Akka.Actor;

namespace Engine.Actors;

/// <summary>
/// Props that make their actor by calling a factory. Akka's <c>Props.Create(() =&gt; new T(…))</c> takes an expression
/// tree: each call site builds one, Akka then evaluates every argument from it (a compiled lambda for anything but a
/// captured variable — interpreted where no code is generated, as in the host's download and seed) and makes the actor
/// by reflection (<c>Activator.CreateInstance</c>) at every start and restart. Here the factory is a plain delegate:
/// called at each start and restart, as Akka's producer would be.
/// </summary>
internal static class ActorProps
{
    public static Props Of<T>(Func<T> factory) where T : ActorBase => Props.CreateBy(new Producer<T>(factory));

    private sealed class Producer<T>(Func<T> factory) : IIndirectActorProducer where T : ActorBase
    {
        public Type ActorType => typeof(T);

        public ActorBase Produce() => factory();

        public void Release(ActorBase actor) { }
    }
}
