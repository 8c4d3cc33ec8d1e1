namespace Engine.Host.Cli;

/// <summary>
/// The engine's logs (Akka's, routed through <c>ILogger</c> by <c>TorrentEngine.Create(options, loggerFactory)</c>) on
/// stderr, one line each with the category and scopes: errors only by default, so the live display on stdout stays
/// whole; from Information up with <c>--verbose</c>. Structured: every message keeps its template and arguments for
/// any other provider an embedding app adds.
/// </summary>
public static class HostLogging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(b => b
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        })
        .AddFilter("Microsoft", LogLevel.Warning)
        .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error)
        .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
