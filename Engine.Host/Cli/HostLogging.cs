namespace Engine.Host.Cli;

/// <summary>
/// The engine's logs (Akka's, routed through <c>ILogger</c> by <c>TorrentEngine.Create(options, loggerFactory)</c>) on
/// stderr, one line each with the category and scopes: errors only by default, so the live display on stdout stays
/// whole; from Information up with <c>--verbose</c>. Structured: every message keeps its template and arguments for
/// any other provider an embedding app adds. The console logger behind it (Microsoft.Extensions.Logging's simple
/// console) is built at the first message that passes the level, not before: building it costs ~20 ms of start-up
/// (docs/performance.md), and a run without errors never needs it.
/// </summary>
public sealed class HostLogging : ILoggerFactory
{
    private readonly Lazy<ILoggerFactory> _console;
    private volatile bool _verbose;

    private HostLogging(bool verbose)
    {
        _verbose = verbose;
        _console = new Lazy<ILoggerFactory>(() => Console(_verbose));
    }

    /// <summary>From Information up (true) or errors only; may be set until the first message is written (<c>--verbose</c> is read after the engine's system starts).</summary>
    public bool Verbose
    {
        get => _verbose;
        set => _verbose = value;
    }

    public static HostLogging Create(bool verbose) => new(verbose);

    /// <summary>Whether the console logger was built (a message passed the level).</summary>
    internal bool ConsoleBuilt => _console.IsValueCreated;

    /// <summary>The console's rule: "Microsoft…" categories from Warning up, the rest from the minimum level.</summary>
    internal bool IsEnabled(string category, LogLevel level) =>
        level != LogLevel.None
        && level >= (category.StartsWith("Microsoft", StringComparison.OrdinalIgnoreCase) ? LogLevel.Warning : _verbose ? LogLevel.Information : LogLevel.Error);

    internal ILogger Real(string category) => _console.Value.CreateLogger(category);

    public ILogger CreateLogger(string categoryName) => new Deferred(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => _console.Value.AddProvider(provider);

    public void Dispose()
    {
        if (ConsoleBuilt) _console.Value.Dispose();
    }

    private static ILoggerFactory Console(bool verbose) => LoggerFactory.Create(b => b
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        })
        .AddFilter("Microsoft", LogLevel.Warning)
        .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error)
        .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

    /// <summary>A category's logger: answers <see cref="IsEnabled"/> itself, asks the console logger only to write.</summary>
    private sealed class Deferred(HostLogging owner, string category) : ILogger
    {
        private ILogger? _real;

        private ILogger Real => _real ??= owner.Real(category);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Real.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => owner.IsEnabled(category, logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) Real.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
