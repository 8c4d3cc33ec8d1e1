using System.CommandLine;
using Engine.Host.Commands;

namespace Engine.Host.Cli;

/// <summary>Parsing one command's arguments on their own (tests, and callers that build arguments without running them).</summary>
public static class CliParse
{
    /// <summary>
    /// Parses <paramref name="args"/> as the arguments of <paramref name="command"/> under a root with the global options,
    /// and reads them with <paramref name="read"/>; a parse error throws <see cref="UsageException"/> with the first message.
    /// </summary>
    public static T Read<T>(Command command, string[] args, Func<ParseResult, HostSettings, T> read)
    {
        var global = new GlobalOptions();
        var root = new RootCommand();
        global.AddTo(root);
        root.Subcommands.Add(command);
        var result = root.Parse([command.Name, .. args]);
        if (result.Errors.Count > 0) throw new UsageException(string.Join("; ", HostCli.Relevant(result.Errors).Select(e => e.Message)));
        return read(result, global.Read(result));
    }
}
