using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Util;

namespace Engine.Runtime;

/// <summary>
/// Starts an ActorSystem as <c>ActorSystem.Create(name, setup)</c> does, without its read of the application's .config
/// file: Akka 1.5 evaluates <c>ConfigurationFactory.Load()</c> (System.Configuration.ConfigurationManager, whose XML
/// parser alone is ~12 ms of start-up) even when the setup carries a <see cref="Config"/>, and then discards it. The
/// engine always passes its own configuration, so the system is the same (decisions.md, "Start-up").
/// </summary>
internal static class SystemStart
{
    public static ActorSystem Create(string name, Config config, ActorSystemSetup setup)
    {
        var system = new ActorSystemImpl(name, config, setup, Option<Props>.None);
        system.Start();
        return system;
    }
}
