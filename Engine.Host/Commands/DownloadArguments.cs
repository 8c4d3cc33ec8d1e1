using System.CommandLine;
using Engine.Host.Cli;

namespace Engine.Host.Commands;

/// <summary>The parsed command line of <c>download</c>.</summary>
/// <param name="Source">A .torrent file or a magnet link.</param>
/// <param name="StateDirectory">Where the fast-resume state is kept (<c>--resume-dir</c>); null: the host's state directory.</param>
/// <param name="Seed">Seed after completing (<c>--seed</c>, or implied by <c>--ratio</c> / <c>--seed-time</c>).</param>
/// <param name="Files">Which files (<c>--files</c> / <c>--skip</c>); null: all.</param>
public sealed record DownloadArguments(string Source, string OutputDirectory, string? StateDirectory, bool Seed, SessionArguments Session, FileChoice? Files = null)
{
    /// <summary>Rate limits and when <c>--seed</c> stops.</summary>
    public TransferOptions Transfer => Session.Transfer;

    /// <summary>Parses <c>download</c>'s arguments (without running it); a mistake throws <see cref="UsageException"/>.</summary>
    public static DownloadArguments Parse(params string[] args)
    {
        var d = new Definition();
        return CliParse.Read(d.Create(), args, d.Read);
    }

    /// <summary>The <c>download</c> command: its arguments, options and what it runs.</summary>
    public sealed class Definition
    {
        public Argument<string> Source { get; } = new("torrent") { Description = "a .torrent file, its http(s) URL, or a magnet link (quote it: 'magnet:?xt=...')" };

        public Option<string> Output { get; } = new("--output", "-o")
        {
            Description = "directory to save into",
            HelpName = "dir",
            DefaultValueFactory = _ => ".",
        };

        public Option<string?> ResumeDir { get; } = new("--resume-dir")
        {
            Description = "keep this torrent's fast-resume state here instead of the host's state directory",
            HelpName = "dir",
        };

        public Option<bool> SeedFlag { get; } = Opt.Flag("--seed", "keep seeding after the download completes (until --ratio, --seed-time or Ctrl+C)");

        public Option<string?> Skip { get; } = FileChoice.SkipOption("skip these files (never created)");

        public SessionArguments.Set Session { get; } = new(download: true);

        public Command Create()
        {
            var command = new Command("download", "download a torrent (a .torrent file, its URL or a magnet link) with a live progress display")
            {
                Source, Output, SeedFlag, ResumeDir, Skip,
            };
            Session.AddTo(command);
            return command;
        }

        public DownloadArguments Read(ParseResult r, HostSettings settings)
        {
            var session = Session.Read(r, settings);
            return new DownloadArguments(r.GetValue(Source)!, r.GetValue(Output)!, r.GetValue(ResumeDir), r.GetValue(SeedFlag) || session.Transfer.HasSeedLimit, session,
                FileChoice.Parse(Session.Output.FileList(r), r.GetValue(Skip)));
        }
    }
}
