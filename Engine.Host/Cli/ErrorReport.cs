using System.Net.Sockets;
using Engine.Api;
using Engine.Host.Commands;
using Engine.Sharing;

namespace Engine.Host.Cli;

/// <summary>
/// The one place an exception becomes what the user sees: <c>error: &lt;one line&gt;</c> on stderr and exit code 1
/// (2 for a <see cref="UsageException"/>), never a stack trace — that goes to stderr only with <c>--verbose</c>.
/// File-system, permission, port and network failures that no command caught are named here with what to do.
/// </summary>
public static class ErrorReport
{
    public static int Handle(Exception e, HostConsole console)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerException!;
        console.Error.WriteLine("error: " + OneLine(Describe(e)));
        if (console.Verbose) console.Error.WriteLine(e.ToString());
        else if (e is not CommandLineException and not TorrentEngineException and not ShareException)
            console.Error.WriteLine("(run with --verbose for the details)");
        return e is UsageException ? ExitCodes.Usage : ExitCodes.Error;
    }

    /// <summary>The message for the user.</summary>
    public static string Describe(Exception e) => e switch
    {
        CommandLineException or TorrentEngineException or ShareException => e.Message,
        UnauthorizedAccessException => $"permission denied: {e.Message} (run as a user who may write there, or choose another directory)",
        DirectoryNotFoundException => $"{e.Message} (check the path)",
        FileNotFoundException f => $"{f.FileName ?? e.Message}: no such file",
        PathTooLongException => e.Message,
        IOException io when io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => $"{e.Message} (free some space or choose another directory)",
        IOException io when io.InnerException is SocketException s => Socket(s),
        SocketException s => Socket(s),
        IOException => e.Message,
        HttpRequestException h => $"network: {h.Message}",
        OperationCanceledException => "cancelled",
        _ => $"unexpected {e.GetType().Name}: {e.Message}",
    };

    private static string Socket(SocketException s) => s.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => $"{s.Message} (another program has the port: choose another)",
        SocketError.AccessDenied => $"{s.Message} (ports below 1024 need privileges: choose a higher one)",
        SocketError.AddressNotAvailable => $"{s.Message} (that address is not one of this machine's)",
        _ => $"network: {s.Message}",
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
