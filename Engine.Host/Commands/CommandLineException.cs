namespace Engine.Host.Commands;

/// <summary>
/// A failure the host reports as one line (<c>error: &lt;message&gt;</c>) with exit code 1 (<see cref="Cli.ExitCodes.Error"/>):
/// a file that cannot be read, a port that cannot be bound, a torrent in error. The message names the path or port and,
/// where there is one, what to do.
/// </summary>
public class CommandLineException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A mistake in the command line found after parsing (options that do not go together): exit code 2.</summary>
public sealed class UsageException(string message) : CommandLineException(message);
