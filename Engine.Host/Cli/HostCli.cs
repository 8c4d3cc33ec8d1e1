using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using Engine.Host.Commands;

namespace Engine.Host.Cli;

/// <summary>
/// The command line, declared once on System.CommandLine: every command with its arguments and options, descriptions
/// and defaults; <c>-h/--help</c> for each, <c>--version</c>, <c>completion</c>. A parse error is written as
/// <c>error: …</c> lines with a pointer to <c>--help</c> (exit 2); a failure while running goes through
/// <see cref="ErrorReport"/> (one line, exit 1).
/// </summary>
public static class HostCli
{
    /// <summary>The root command writing to <paramref name="console"/>.</summary>
    public static RootCommand Build(HostConsole console)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("Engine.Host — a BitTorrent client on Akka.NET: download, seed, create and inspect torrents, a web UI, our own tracker.");
        global.AddTo(root);
        root.Subcommands.Add(DownloadCommand.Create(console, global));
        root.Subcommands.Add(SeedCommand.Create(console, global));
        root.Subcommands.Add(InfoCommand.Create(console));
        root.Subcommands.Add(CreateCommand.Create(console));
        root.Subcommands.Add(WebCommand.Create(console, global));
        root.Subcommands.Add(TrackerCommand.Create(console, global));
        root.Subcommands.Add(ShareCommand.Create(console, global));
        root.Subcommands.Add(FetchCommand.Create(console, global));
        root.Subcommands.Add(DhtCommand.Create(console, global));
        root.Subcommands.Add(NodeCommand.Create(console, global));
        root.Subcommands.Add(Completion.Create(console));
        ConfigureHelp(root, console.Width);
        foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new PrintVersion(console);
        return root;
    }

    /// <summary>Help as wide as the terminal.</summary>
    private static void ConfigureHelp(RootCommand root, int width)
    {
        foreach (var help in root.Options.OfType<HelpOption>())
            if (help.Action is HelpAction action) action.MaxWidth = Math.Max(40, width);
    }

    /// <summary><c>--version</c>: the host's own version (not the entry assembly's, which differs when the host runs in-process).</summary>
    private sealed class PrintVersion(HostConsole console) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            console.Out.WriteLine(Version);
            return ExitCodes.Ok;
        }
    }

    /// <summary>The host's version (the assembly's informational version, without the source revision).</summary>
    public static string Version
    {
        get
        {
            var v = typeof(HostCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = v.IndexOf('+');
            return plus > 0 ? v[..plus] : v;
        }
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, HostConsole console)
    {
        await using var early = EarlyEngine.For(args); // first: it starts while the rest is done
        console.EarlyEngine = early;
        var root = Build(console);
        if (args.Length == 0)
        {
            // No command: the overview, and the exit code of a usage mistake.
            await root.Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error });
            return ExitCodes.Usage;
        }
        var result = root.Parse(args);
        console.Verbose = result.GetValue<bool>("--verbose");
        if (result.Errors.Count > 0 && result.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            foreach (var error in Relevant(result.Errors)) console.Error.WriteLine("error: " + error.Message);
            var command = string.Join(' ', result.CommandResult.Command is RootCommand ? [] : Path(result.CommandResult));
            console.Error.WriteLine($"run '{Completion.ProgramName()} {(command.Length == 0 ? "" : command + " ")}--help' for its usage");
            return ExitCodes.Usage;
        }
        try
        {
            return await result.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
                // Ctrl+C is each command's own: it stops cleanly (resume state saved) and decides the exit code.
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e)
        {
            return ErrorReport.Handle(e, console);
        }
    }

    /// <summary>
    /// The errors worth showing: "Required command was not provided" only when nothing else is wrong (an unknown command
    /// is said better by "Unrecognized command or argument"), and the first unrecognized token only (the rest follow from it).
    /// </summary>
    public static IReadOnlyList<System.CommandLine.Parsing.ParseError> Relevant(IReadOnlyList<System.CommandLine.Parsing.ParseError> errors)
    {
        var list = errors.Where(e => !e.Message.StartsWith("Required command was not provided", StringComparison.Ordinal)).ToList();
        if (list.Count == 0) return errors;
        var firstUnrecognized = list.FindIndex(e => e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal));
        if (firstUnrecognized >= 0)
            list = list.Where((e, i) => i == firstUnrecognized || !e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)).ToList();
        return list;
    }

    private static IEnumerable<string> Path(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is System.CommandLine.Parsing.CommandResult c && c.Command is not RootCommand; r = r.Parent)
            names.Push(c.Command.Name);
        return names;
    }
}
