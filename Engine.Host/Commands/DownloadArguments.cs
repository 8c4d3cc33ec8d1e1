namespace Engine.Host.Commands;

/// <summary>The parsed command line of <c>download</c>.</summary>
/// <param name="ResumeDirectory">Where the fast-resume state is kept (<c>--resume-dir</c>); null: <c>&lt;output&gt;/.resume</c>.</param>
/// <param name="Seed">Seed after completing (<c>--seed</c>, or implied by <c>--ratio</c> / <c>--seed-time</c>).</param>
public sealed record DownloadArguments(
    string TorrentPath,
    string OutputDirectory,
    string? ResumeDirectory,
    bool Seed,
    SessionArguments Session)
{
    public const string Usage = "download <file.torrent> [-o <dir>] [--resume-dir <dir>] [--seed] [--max-download KiB/s] " + SessionArguments.Usage;

    /// <summary>Rate limits and when <c>--seed</c> stops.</summary>
    public TransferOptions Transfer => Session.Transfer;

    public string StateDirectory => ResumeDirectory ?? Path.Combine(OutputDirectory, ".resume");

    public static DownloadArguments Parse(string[] args)
    {
        string? torrent = null;
        var output = ".";
        string? resume = null;
        var seed = false;
        var session = SessionArguments.Default;
        for (var i = 0; i < args.Length; i++)
        {
            if (session.TryParse(args, ref i, out var parsed))
            {
                session = parsed;
                continue;
            }
            switch (args[i])
            {
                case "-o" or "--output": output = CommandArgs.Value(args, ref i); break;
                case "--resume-dir": resume = CommandArgs.Value(args, ref i); break;
                case "--seed": seed = true; break;
                default: torrent = CommandArgs.Positional(args[i], torrent, "download takes one .torrent file", Usage); break;
            }
        }
        if (torrent is null) throw new CommandLineException($"usage: {Usage}");
        return new DownloadArguments(torrent, output, resume, seed || session.Transfer.HasSeedLimit, session.Validate());
    }
}
