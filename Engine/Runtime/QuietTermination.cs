using Akka.Actor;
using Akka.Event;

namespace Engine.Runtime;

/// <summary>Terminates an ActorSystem the engine owns without Akka's closing Info line on the console.</summary>
internal static class QuietTermination
{
    /// <summary>
    /// Raises the system's log level to Warning, then terminates it. Akka logs "CoordinatedShutdown invoked …" at Info
    /// while it stops its loggers; when that line lost the race it went to Akka's fallback console logger, and the host
    /// printed a stray <c>[INFO]</c> line after its last output in some runs (about half of them on one CPU). A system
    /// that is going away has nothing left to say at Info; warnings and errors still pass.
    /// </summary>
    public static Task TerminateQuietly(this ActorSystem system)
    {
        if (system.EventStream.LogLevel < LogLevel.WarningLevel) system.EventStream.SetLogLevel(LogLevel.WarningLevel);
        return system.Terminate();
    }
}
