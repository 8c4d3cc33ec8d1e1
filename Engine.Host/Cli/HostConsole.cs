namespace Engine.Host.Cli;

/// <summary>
/// Where a command writes: <see cref="Out"/> for its output, <see cref="Error"/> for <c>error:</c>/<c>warning:</c> lines.
/// <see cref="Interactive"/> is true on a terminal (a live display redrawn in place, <see cref="Width"/> columns wide);
/// false when the output is redirected (plain lines, one per interval).
/// </summary>
public sealed class HostConsole(TextWriter output, TextWriter error, bool interactive, int width)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Interactive { get; } = interactive;

    /// <summary>Columns of the terminal (80 when unknown or redirected).</summary>
    public int Width { get; } = width > 0 ? width : 80;

    /// <summary>Set from <c>--verbose</c>: stack traces and debug counters are written too.</summary>
    public bool Verbose { get; set; }

    /// <summary>The engine system this run started early (<see cref="Cli.EarlyEngine"/>), for the command's engine to take; null when none was.</summary>
    public EarlyEngine? EarlyEngine { get; set; }

    /// <summary>The process's console: interactive when stdout is a terminal, as wide as the terminal.</summary>
    public static HostConsole System()
    {
        var interactive = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        var width = 80;
        if (interactive)
        {
            try { width = Console.WindowWidth; }
            catch (IOException) { }
        }
        if (width <= 0 && int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns)) width = columns;
        return new HostConsole(Console.Out, Console.Error, interactive, width);
    }

    /// <summary>Writes <c>warning: ...</c> on the error stream.</summary>
    public void Warn(string message) => Error.WriteLine("warning: " + message);
}
