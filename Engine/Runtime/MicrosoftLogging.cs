using Akka.Actor.Setup;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Engine.Runtime;

/// <summary>Carries the <see cref="ILoggerFactory"/> that <see cref="MicrosoftLogger"/> writes to (an ActorSystem setup).</summary>
internal sealed class MicrosoftLoggingSetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;

    /// <summary>HOCON that routes Akka's logging to the factory (Akka passes Info and up; DEBUG through EngineTunables.AkkaHocon).</summary>
    public static string Hocon => $$"""
        akka {
          loggers = ["{{typeof(MicrosoftLogger).AssemblyQualifiedName}}"]
          loglevel = INFO
          stdout-loglevel = OFF
        }
        """;
}

/// <summary>
/// An Akka logger that writes every log event to Microsoft.Extensions.Logging: the category is the log source's
/// class (e.g. <c>Engine.Torrents.TorrentActor</c>), levels map one to one. Needs a <see cref="MicrosoftLoggingSetup"/>
/// in the ActorSystem's setup; without one it drops events.
/// </summary>
internal sealed class MicrosoftLogger : UntypedActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory? _factory;
    private readonly Dictionary<Type, ILogger> _loggers = new();

    public MicrosoftLogger()
    {
        _factory = Context.System.Settings.Setup.Get<MicrosoftLoggingSetup>().Value?.Factory;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case InitializeLogger: Sender.Tell(new LoggerInitialized()); break;
            case LogEvent e: Log(e); break;
            default: Unhandled(message); break;
        }
    }

    private void Log(LogEvent e)
    {
        if (_factory is null) return;
        var type = e.LogClass ?? typeof(MicrosoftLogger);
        if (!_loggers.TryGetValue(type, out var logger))
            _loggers[type] = logger = _factory.CreateLogger(type.FullName ?? type.Name);
        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => MsLogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => MsLogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => MsLogLevel.Warning,
            _ => MsLogLevel.Error,
        };
        if (!logger.IsEnabled(level)) return;
        logger.Log(level, default, e.Message?.ToString() ?? "", e.Cause, static (m, _) => m);
    }
}
