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

        public Option<bool> Files { get; } = Opt.Flag("--files", "show each file's progress too");

        public Option<bool> Quiet { get; } = Opt.Flag("--quiet", "no progress display: only the result and errors", "-q");

        public void AddTo(Command command)
        {
            command.Options.Add(Json);
            if (files) command.Options.Add(Files);
            command.Options.Add(Quiet);
        }

        public OutputMode Read(ParseResult r) => new(r.GetValue(Json), files && r.GetValue(Files), r.GetValue(Quiet));
    }
}
