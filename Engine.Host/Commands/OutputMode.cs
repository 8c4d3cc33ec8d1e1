using System.CommandLine;
using Engine.Host.Cli;

namespace Engine.Host.Commands;

/// <summary>How a transfer command reports: <c>--json</c> (one JSON object a line), <c>--files</c> (a line per file), <c>--quiet</c> (only the result).</summary>
public sealed record OutputMode(bool Json, bool Files, bool Quiet)
{
    public static OutputMode Default { get; } = new(false, false, false);

    public sealed class Set(bool files)
    {
        public Option<bool> Json { get; } = Opt.Flag("--json", "write status as JSON lines (one object per interval, then a summary object)");

        /// <summary><c>--files</c> alone shows each file's progress; <c>--files 0,2-4</c> also downloads only those files (<see cref="FileChoice"/>).</summary>
        public Option<string?> Files { get; } = new("--files")
        {
            Description = "show each file's progress too; with a list (0,2-4, the numbers 'info' prints) download only those files",
            HelpName = "list",
            Arity = ArgumentArity.ZeroOrOne,
        };

        public Option<bool> Quiet { get; } = Opt.Flag("--quiet", "no progress display: only the result and errors", "-q");

        public void AddTo(Command command)
        {
            command.Options.Add(Json);
            if (files) command.Options.Add(Files);
            command.Options.Add(Quiet);
        }

        public OutputMode Read(ParseResult r) => new(r.GetValue(Json), files && r.GetResult(Files) is not null, r.GetValue(Quiet));

        /// <summary>The list given to <c>--files</c>, or null.</summary>
        public string? FileList(ParseResult r) => files && r.GetValue(Files) is { Length: > 0 } list ? list : null;
    }
}
