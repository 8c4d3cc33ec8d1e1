using Akka.Actor.Internal;
using Akka.Actor;

namespace Engine.Supervision;

/// <summary>
/// Supervision for a parent whose children each have their own fate (docs/decisions.md, "Supervision per child").
/// Akka's decider sees the exception but not the child, so <see cref="Strategy"/> stops every child that throws and
/// records the exception against that child. The parent watches its children; on <see cref="Terminated"/> it asks
/// <see cref="Take"/> whether the child failed, and why, or stopped without failing — and then decides for that child:
/// start it again after a backoff, fail itself, or let it go. The strategy does not log: the parent does, saying
/// which child it was and what happens next. Used on the parent's own thread only (Akka runs supervision there).
/// </summary>
internal sealed class ChildFailures
{
    private readonly Dictionary<IActorRef, Exception> _causes = new();

    /// <summary>
    /// The strategy to return from the parent's <c>SupervisorStrategy()</c>. Children for which <paramref name="restartInPlace"/>
    /// holds are restarted by Akka instead (same actor ref, fresh state: for a child others hold a reference to), and
    /// <paramref name="restarted"/> is told, for the parent to log.
    /// </summary>
    public SupervisorStrategy Strategy(Func<IActorRef, bool>? restartInPlace = null, Action<IActorRef, Exception>? restarted = null)
        => new StopAndRecord(this, restartInPlace, restarted);

    /// <summary>The exception <paramref name="child"/> failed with, or null when it stopped without failing; forgets it.</summary>
    public Exception? Take(IActorRef child) => _causes.Remove(child, out var cause) ? Unwrap(cause) : null;

    /// <summary>"SocketException: Address already in use".</summary>
    public static string Describe(Exception cause) => $"{cause.GetType().Name}: {cause.Message}";

    /// <summary>How a child ended, for a log line: "failed (SocketException: Address already in use)" or "stopped unexpectedly".</summary>
    public static string Outcome(Exception? cause) => cause is null ? "stopped unexpectedly" : $"failed ({Describe(cause)})";

    /// <summary>
    /// A child that throws in PreStart fails with an ActorInitializationException around the real cause, and one that
    /// throws in its constructor with Akka's TypeLoadException ("Error while creating actor instance") around a
    /// TargetInvocationException around it: the parent reports the real one.
    /// </summary>
    private static Exception Unwrap(Exception cause)
    {
        while (cause is ActorInitializationException or TypeLoadException or System.Reflection.TargetInvocationException
               && cause.InnerException is { } inner)
            cause = inner;
        return cause;
    }

    private sealed class StopAndRecord(ChildFailures owner, Func<IActorRef, bool>? restartInPlace, Action<IActorRef, Exception>? restarted)
        : OneForOneStrategy(_ => Directive.Stop, loggingEnabled: false)
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            if (restartInPlace?.Invoke(child) == true)
            {
                restarted?.Invoke(child, Unwrap(cause));
                base.ProcessFailure(context, true, child, cause, stats, children);
                return;
            }
            owner._causes[child] = cause;
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }
}
